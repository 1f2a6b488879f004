//! amoCRM's records, as its client reads them, turned into the inputs of the mapping rules.

use migrator_amocrm::models::companies::Company;
use migrator_amocrm::models::contacts::Contact;
use migrator_amocrm::models::custom_fields::FieldType;
use migrator_amocrm::models::field_values::{CustomFieldValues, FieldValue};
use migrator_amocrm::models::leads::Lead;
use migrator_amocrm::models::pipelines::Pipeline;
use migrator_amocrm::models::users::User;
use migrator_domain::mapping::CustomFieldValue;
use migrator_domain::mapping::company::AmoCompany;
use migrator_domain::mapping::contact::AmoContact;
use migrator_domain::mapping::deal::AmoDeal;
use migrator_domain::mapping::pipeline::{AmoPipeline, AmoStatus};
use migrator_domain::mapping::users::AmoUser;
use serde_json::{Value, json};

/// An amoCRM id as the domain counts them (amoCRM never hands out negative ids).
pub(crate) fn id(value: i64) -> u64 {
    u64::try_from(value).unwrap_or_default()
}

fn optional_id(value: Option<i64>) -> Option<u64> {
    value.map(id).filter(|value| *value > 0)
}

pub(crate) fn user(user: &User) -> AmoUser {
    AmoUser {
        id: id(user.id),
        name: user.name.clone(),
        email: user.email.clone().unwrap_or_default(),
        is_active: user.rights.is_active.unwrap_or(true),
    }
}

pub(crate) fn company(company: &Company) -> AmoCompany {
    AmoCompany {
        id: id(company.id),
        name: company.name.clone(),
        responsible_user_id: optional_id(company.responsible_user_id),
        custom_fields_values: fields(&company.custom_fields_values),
    }
}

pub(crate) fn contact(contact: &Contact) -> AmoContact {
    let main_company = contact
        .embedded
        .companies
        .first()
        .map(|company| id(company.id));
    AmoContact {
        id: id(contact.id),
        name: contact.name.clone(),
        first_name: contact.first_name.clone().unwrap_or_default(),
        last_name: contact.last_name.clone().unwrap_or_default(),
        responsible_user_id: optional_id(contact.responsible_user_id),
        company_id: main_company,
        custom_fields_values: fields(&contact.custom_fields_values),
    }
}

pub(crate) fn deal(lead: &Lead) -> AmoDeal {
    AmoDeal {
        id: id(lead.id),
        name: lead.name.clone(),
        price: lead
            .price_with_minor_units
            .or(lead.price.map(|price| price as f64)),
        responsible_user_id: optional_id(lead.responsible_user_id),
        pipeline_id: lead.pipeline_id.map(id).unwrap_or_default(),
        status_id: lead.status_id.map(id).unwrap_or_default(),
        created_at: lead.created_at.unwrap_or_default(),
        closed_at: lead.closed_at,
        company_id: lead
            .embedded
            .companies
            .first()
            .map(|company| id(company.id)),
        contact_ids: lead
            .embedded
            .contacts
            .iter()
            .map(|contact| id(contact.id))
            .collect(),
        custom_fields_values: fields(&lead.custom_fields_values),
    }
}

pub(crate) fn pipeline(pipeline: &Pipeline) -> AmoPipeline {
    AmoPipeline {
        id: id(pipeline.id),
        name: pipeline.name.clone(),
        sort: pipeline.sort,
        is_main: pipeline.is_main,
        statuses: pipeline
            .embedded
            .statuses
            .iter()
            .map(|status| AmoStatus {
                id: id(status.id),
                name: status.name.clone(),
                sort: status.sort,
                kind: status.kind,
                color: status.color.clone(),
            })
            .collect(),
    }
}

fn fields(values: &[CustomFieldValues]) -> Vec<CustomFieldValue> {
    values
        .iter()
        .map(|field| CustomFieldValue {
            field_id: id(field.field_id),
            field_name: field.field_name.clone().unwrap_or_default(),
            field_code: field.field_code.clone(),
            field_type: type_name(&field.field_type),
            values: field.values.iter().map(value).collect(),
        })
        .collect()
}

/// A value in amoCRM's own JSON shape (`{"value": ..., "enum_id": ..., "enum_code": ...}`).
fn value(value: &FieldValue) -> Value {
    match value {
        FieldValue::Text(text) | FieldValue::Number(text) => json!({"value": text}),
        FieldValue::Flag(flag) => json!({"value": flag}),
        FieldValue::Timestamp(seconds) => json!({"value": seconds}),
        FieldValue::Choice(choice)
        | FieldValue::Multitext(choice)
        | FieldValue::AddressPart(choice) => json!({
            "value": choice.value,
            "enum_id": choice.enum_id,
            "enum_code": choice.enum_code,
        }),
        FieldValue::LegalEntity(map) | FieldValue::Structured(map) => json!({"value": map}),
        FieldValue::LinkedEntity(linked) => json!({"value": {
            "name": linked.name,
            "entity_id": linked.entity_id,
            "entity_type": linked.entity_type,
            "catalog_id": linked.catalog_id,
        }}),
        FieldValue::ChainedList {
            catalog_id,
            catalog_element_id,
        } => json!({"value": {
            "catalog_id": catalog_id,
            "catalog_element_id": catalog_element_id,
        }}),
        FieldValue::File(file) => json!({"value": {
            "file_uuid": file.file_uuid,
            "version_uuid": file.version_uuid,
            "file_name": file.file_name,
            "file_size": file.file_size,
        }}),
        FieldValue::Other(other) => other.clone(),
    }
}

/// The API name of a field type (`date_time`, `multitext`, ...).
pub(crate) fn type_name(field_type: &FieldType) -> String {
    let name = match field_type {
        FieldType::Text => "text",
        FieldType::Numeric => "numeric",
        FieldType::Checkbox => "checkbox",
        FieldType::Select => "select",
        FieldType::Multiselect => "multiselect",
        FieldType::Date => "date",
        FieldType::Url => "url",
        FieldType::DateTime => "date_time",
        FieldType::Textarea => "textarea",
        FieldType::Radiobutton => "radiobutton",
        FieldType::StreetAddress => "streetaddress",
        FieldType::SmartAddress => "smart_address",
        FieldType::Birthday => "birthday",
        FieldType::LegalEntity => "legal_entity",
        FieldType::TrackingData => "tracking_data",
        FieldType::ChainedList => "chained_list",
        FieldType::Monetary => "monetary",
        FieldType::File => "file",
        FieldType::Multitext => "multitext",
        FieldType::Price => "price",
        FieldType::Category => "category",
        FieldType::Items => "items",
        FieldType::LinkedEntity => "linked_entity",
        FieldType::Payer => "payer",
        FieldType::Supplier => "supplier",
        FieldType::Other(other) => other,
    };
    name.to_owned()
}
