//! Deals (D6): name, responsible, pipeline and stage, amount, linked contacts and company,
//! custom fields, the amoCRM creation date as `BEGINDATE` and the origin marker →
//! `crm.deal.add` `fields`. The creator is not moved (deals have no import mode, and the
//! manual says so).

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::custom_values::{CustomFieldValue, FieldMap, write_value};
use super::pipeline::StageMap;
use super::{AmoEntity, Mapped, MappingContext, MappingFailure, Skipped, text};
use crate::chunk::FailureCode;

/// The `ORIGIN_ID` kind of deals.
pub const ORIGIN_KIND: &str = "lead";

/// An amoCRM lead (deal), as far as the mapping needs it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AmoDeal {
    /// Its id.
    pub id: u64,
    /// Its name.
    #[serde(default)]
    pub name: String,
    /// The amount (`price_with_minor_units` when given, else `price`).
    #[serde(default)]
    pub price: Option<f64>,
    /// The responsible amoCRM user.
    #[serde(default)]
    pub responsible_user_id: Option<u64>,
    /// Its pipeline.
    pub pipeline_id: u64,
    /// Its status in that pipeline.
    pub status_id: u64,
    /// Creation time (Unix seconds).
    pub created_at: i64,
    /// When it was closed (Unix seconds), if it is.
    #[serde(default)]
    pub closed_at: Option<i64>,
    /// The linked company.
    #[serde(default)]
    pub company_id: Option<u64>,
    /// The linked contacts, the main one first.
    #[serde(default)]
    pub contact_ids: Vec<u64>,
    /// `custom_fields_values`.
    #[serde(default)]
    pub custom_fields_values: Vec<CustomFieldValue>,
}

/// Maps a deal to `crm.deal.add` `fields`.
///
/// Links to contacts or a company this run did not move are left behind with a note. A deal
/// without a name gets `Сделка amoCRM #<id>`. `CLOSEDATE` is the amoCRM closing day of closed
/// deals.
///
/// # Errors
/// [`FailureCode::ParentNotMoved`] when the deal's pipeline or status has no landing: the
/// pipeline was not chosen (D6: every pipeline holding chosen deals must be chosen).
pub fn map_deal(
    deal: &AmoDeal,
    context: &MappingContext,
    stages: &StageMap,
    fields: &FieldMap,
) -> Result<Mapped, MappingFailure> {
    let Some(stage) = stages.landing(deal.pipeline_id, deal.status_id) else {
        let message = if stages.has_pipeline(deal.pipeline_id) {
            format!(
                "deal {} sits in status {} of amoCRM pipeline {}, which the pipeline mapping \
                 does not know (added after counting?); count again, then resume",
                deal.id, deal.status_id, deal.pipeline_id
            )
        } else {
            format!(
                "deal {} sits in amoCRM pipeline {}, which was not chosen for this run; choose \
                 every pipeline that holds deals to move",
                deal.id, deal.pipeline_id
            )
        };
        return Err(MappingFailure::new(FailureCode::ParentNotMoved, message));
    };

    let mut mapped = Mapped::default();
    let title = if deal.name.trim().is_empty() {
        format!("Сделка amoCRM #{}", deal.id)
    } else {
        text::title(&deal.name, "TITLE", &mut mapped.skipped)
    };
    let offset = context.utc_offset;
    let out = &mut mapped.fields;
    out.insert("TITLE".into(), json!(title));
    out.insert("CATEGORY_ID".into(), json!(stage.category_id));
    out.insert("STAGE_ID".into(), json!(stage.stage_id));
    out.insert("OPPORTUNITY".into(), json!(deal.price.unwrap_or(0.0)));
    out.insert("IS_MANUAL_OPPORTUNITY".into(), json!("Y"));
    out.insert("CURRENCY_ID".into(), json!(context.currency));
    out.insert(
        "ASSIGNED_BY_ID".into(),
        json!(context.users.responsible(deal.responsible_user_id)),
    );
    if let Some(day) = text::iso_date(deal.created_at, offset) {
        out.insert("BEGINDATE".into(), json!(day));
    }
    if let Some(day) = deal.closed_at.and_then(|at| text::iso_date(at, offset)) {
        out.insert("CLOSEDATE".into(), json!(day));
    }
    context.origin.stamp(out, ORIGIN_KIND, deal.id);

    write_links(deal, context, &mut mapped);
    for value in &deal.custom_fields_values {
        write_value(value, fields, context, &mut mapped);
    }
    Ok(mapped)
}

fn write_links(deal: &AmoDeal, context: &MappingContext, mapped: &mut Mapped) {
    if let Some(company) = deal.company_id {
        match context.ids.portal_id(AmoEntity::Company, company) {
            Some(id) => {
                mapped.fields.insert("COMPANY_ID".into(), json!(id));
            }
            None => mapped.skipped.push(not_moved_link("company", company)),
        }
    }

    let mut contacts = Vec::new();
    for contact in &deal.contact_ids {
        match context.ids.portal_id(AmoEntity::Contact, *contact) {
            Some(id) if !contacts.contains(&id) => contacts.push(id),
            Some(_) => {}
            None => mapped.skipped.push(not_moved_link("contact", *contact)),
        }
    }
    if !contacts.is_empty() {
        mapped.fields.insert("CONTACT_IDS".into(), json!(contacts));
    }
}

fn not_moved_link(what: &str, amo_id: u64) -> Skipped {
    Skipped::new(
        FailureCode::ParentNotMoved,
        format!("the link to amoCRM {what} {amo_id} was not moved: this run did not move it"),
    )
}
