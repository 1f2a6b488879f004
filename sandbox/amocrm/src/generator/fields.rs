//! Custom field values of every type, drawn for one record.

use serde_json::{Value, json};

use super::catalog::CATALOG_ID;
use super::draw::Draw;
use super::files::FileOrigin;
use super::records::{EntityKind, FieldDef, FieldValue};
use super::{Account, HISTORY_START, words};

/// Invalid e-mail spellings found in real CRMs.
const BAD_EMAILS: &[&str] = &[
    "ivanov@@mail.ru",
    "petrov.mail.ru",
    "sidorova@",
    "info@компания",
    "нет",
];

/// A select-like value element.
fn enum_value(option: super::FieldEnum) -> Value {
    json!({"value": option.value, "enum_id": option.id, "enum_code": null})
}

/// What the record already knows that its field values should agree with.
pub(crate) struct Context<'a> {
    /// Kind of the record.
    pub kind: EntityKind,
    /// Index of the record.
    pub index: u64,
    /// A person name for e-mails, if the record is a person.
    pub person: Option<&'a words::PersonName>,
    /// Creation time.
    pub created_at: i64,
}

impl Account {
    /// The field values of a record; `none_per_mille` of records have none at all.
    pub(crate) fn field_values(&self, draw: &mut Draw, context: &Context<'_>) -> Vec<FieldValue> {
        if draw.chance(80) {
            return Vec::new();
        }

        let mut values = Vec::new();
        for field in self.fields(context.kind) {
            let predefined = field.code.is_some();
            let present = if predefined {
                draw.chance(850)
            } else {
                draw.chance(450)
            };
            if !present {
                continue;
            }
            let items = self.value_items(draw, field, context);
            if items.is_empty() {
                continue;
            }
            values.push(FieldValue {
                field_id: field.id,
                field_name: field.name.clone(),
                field_code: field.code.clone(),
                field_type: field.field_type.clone(),
                values: items,
            });
        }
        values
    }

    fn value_items(&self, draw: &mut Draw, field: &FieldDef, context: &Context<'_>) -> Vec<Value> {
        let enum_at = |draw: &mut Draw| {
            let options = field.enums.as_deref().unwrap_or_default();
            options
                .get(draw.below(options.len() as u64) as usize)
                .cloned()
        };

        match (field.field_type.as_str(), field.code.as_deref()) {
            ("multitext", Some("PHONE")) => (0..draw.between(1, 3))
                .filter_map(|_| {
                    let option = enum_at(draw)?;
                    Some(json!({"value": words::phone(draw), "enum_id": option.id,
                                "enum_code": option.value}))
                })
                .collect(),
            ("multitext", _) => (0..draw.between(1, 3))
                .filter_map(|_| {
                    let option = enum_at(draw)?;
                    let email = self.email(draw, context);
                    Some(json!({"value": email, "enum_id": option.id, "enum_code": option.value}))
                })
                .collect(),
            ("text", Some("POSITION")) => vec![json!({"value": draw.pick(words::POSITIONS)})],
            ("text", _) => {
                vec![json!({"value": *draw.pick(&["Сайт", "Звонок", "Выставка", "Avito"])})]
            }
            ("textarea", Some("ADDRESS")) | ("streetaddress", _) => {
                vec![json!({"value": words::address(draw)})]
            }
            ("textarea", _) => {
                if draw.chance(30) {
                    vec![json!({"value": words::oversized_text(draw, 20_000)})]
                } else {
                    vec![json!({"value": draw.pick(words::NOTE_TEXTS)})]
                }
            }
            ("url", Some("WEB")) => {
                vec![json!({"value": format!("https://www.site{}.ru", context.index)})]
            }
            ("url", _) => {
                let page = draw.between(1_000, 999_999);
                vec![json!({"value": format!("https://vk.com/id{page}")})]
            }
            ("numeric", _) | ("monetary", _) => {
                vec![json!({"value": (draw.between(1, 500) * 1_000).to_string()})]
            }
            ("tracking_data", _) => {
                vec![json!({"value": *draw.pick(&["yandex", "google", "vk", "direct"])})]
            }
            ("checkbox", _) => vec![json!({"value": draw.chance(600)})],
            ("select", _) | ("radiobutton", _) => {
                enum_at(draw).map(enum_value).into_iter().collect()
            }
            ("multiselect", _) => {
                let options = field.enums.clone().unwrap_or_default();
                options
                    .into_iter()
                    .filter(|_| draw.chance(500))
                    .map(enum_value)
                    .collect()
            }
            ("date", _) => {
                let day = (context.created_at / 86_400 + draw.between(0, 60)) * 86_400;
                vec![json!({"value": day - 3 * 3_600})]
            }
            ("date_time", _) => {
                vec![json!({"value": context.created_at + draw.between(0, 30 * 86_400)})]
            }
            ("birthday", _) => {
                let day = (HISTORY_START - draw.between(20 * 365, 60 * 365) * 86_400) / 86_400;
                vec![json!({"value": day * 86_400})]
            }
            ("smart_address", _) => {
                let city = *draw.pick(words::CITIES);
                let region = *draw.pick(words::REGIONS);
                let street = format!("{}, д. {}", draw.pick(words::STREETS), draw.between(1, 99));
                let zip = draw.between(101_000, 692_999).to_string();
                let parts = [
                    (1, "address_line_1", street),
                    (3, "city", city.to_string()),
                    (4, "state", region.to_string()),
                    (5, "zip", zip),
                    (6, "country", "RU".to_string()),
                ];
                parts
                    .into_iter()
                    .map(|(id, code, value)| {
                        json!({"value": value, "enum_id": id, "enum_code": code})
                    })
                    .collect()
            }
            ("legal_entity", _) => {
                let name = words::company(draw);
                vec![json!({"value": {
                    "name": name, "entity_type": 1, "address": words::address(draw),
                    "real_address": words::address(draw),
                    "bank_account_number": format!("40702810{:012}", draw.below(1_000_000_000_000)),
                    "director": format!("{} {}", draw.pick(words::LAST),
                                         draw.pick(words::MALE_FIRST)),
                    "vat_id": format!("77{:08}", draw.below(100_000_000)),
                    "tax_registration_reason_code": "770101001", "kpp": "770101001",
                    "bank_code": "044525225", "unp": null, "bin": null, "egrpou": null,
                    "mfo": null, "oked": null, "external_uid": null}})]
            }
            ("file", _) => {
                let file = self.file_for(FileOrigin::of_field(context.kind), context.index);
                vec![
                    json!({"value": {"file_uuid": file.uuid, "version_uuid": file.version_uuid,
                                       "file_name": file.name, "file_size": file.size}}),
                ]
            }
            ("chained_list", _) => (0..draw.between(1, 2))
                .map(|_| {
                    let element = draw.between(1, 400);
                    json!({"catalog_id": CATALOG_ID, "catalog_element_id": element})
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// A mostly valid e-mail of the record (sometimes an invalid spelling).
    fn email(&self, draw: &mut Draw, context: &Context<'_>) -> String {
        if draw.chance(60) {
            return (*draw.pick(BAD_EMAILS)).to_string();
        }
        let local = match context.person {
            Some(person) if draw.chance(700) => {
                format!(
                    "{}.{}",
                    words::translit(&person.first),
                    words::translit(&person.last)
                )
            }
            _ => format!(
                "{}{}",
                *draw.pick(&["info", "sales", "office", "zakaz"]),
                context.index
            ),
        };
        let domain = *draw.pick(&["mail.ru", "yandex.ru", "gmail.com", "bk.ru", "inbox.ru"]);
        format!("{local}@{domain}")
    }
}
