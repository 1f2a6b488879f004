//! What companies and contacts share: the responsible user, the origin, the predefined fields
//! (multifields, position, address), custom values and the comment for invalid e-mails.

use serde_json::json;

use super::custom_values::{CustomFieldValue, FieldMap, write_value};
use super::multifield::{Communications, StandardField, element_text};
use super::{Mapped, MappingContext, text};

/// Writes the parts every company and contact has.
pub(super) fn write_shared(
    mapped: &mut Mapped,
    context: &MappingContext,
    origin_kind: &str,
    amo_id: u64,
    responsible: Option<u64>,
    values: &[CustomFieldValue],
    fields: &FieldMap,
) {
    mapped.fields.insert(
        "ASSIGNED_BY_ID".into(),
        json!(context.users.responsible(responsible)),
    );
    context
        .origin
        .stamp(&mut mapped.fields, origin_kind, amo_id);

    let mut communications = Communications::default();
    for value in values {
        match StandardField::from_code(value.field_code.as_deref()) {
            Some(StandardField::Position) => write_text(mapped, "POST", value),
            Some(StandardField::Address) => write_text(mapped, "ADDRESS", value),
            Some(kind) => communications.add(kind, &value.values),
            None => write_value(value, fields, context, mapped),
        }
    }
    communications.write(&mut mapped.fields);

    let comments = communications.invalid_email_comments();
    if !comments.is_empty() {
        let joined = text::long_text(&comments.join("\n"), "COMMENTS", &mut mapped.skipped);
        mapped.fields.insert("COMMENTS".into(), json!(joined));
    }
}

/// Writes the values of a predefined text field, joined with `, `, into a standard field.
fn write_text(mapped: &mut Mapped, name: &str, value: &CustomFieldValue) {
    let parts: Vec<String> = value.values.iter().filter_map(element_text).collect();
    if parts.is_empty() {
        return;
    }
    let joined = match name {
        "POST" => text::title(&parts.join(", "), name, &mut mapped.skipped),
        _ => text::long_text(&parts.join(", "), name, &mut mapped.skipped),
    };
    mapped.fields.insert(name.into(), json!(joined));
}
