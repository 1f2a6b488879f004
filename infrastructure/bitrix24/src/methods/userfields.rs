//! CRM user fields (`crm.{company|contact|deal}.userfield.list|add|delete`), including the
//! `MANDATORY` flag the migration must check before it writes records.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::client::{B24Client, decode_result, params_of};
use crate::error::B24Result;
use crate::methods::crm::{CrmEntity, is_not_found, new_id};

/// A user-field definition.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct UserField {
    /// Definition id.
    #[serde(deserialize_with = "crate::lenient::id")]
    pub id: u64,
    /// `UF_CRM_...`.
    pub field_name: String,
    /// `string`, `enumeration`, `date`, ...
    #[serde(default)]
    pub user_type_id: String,
    /// Whether the field is required.
    #[serde(default, deserialize_with = "crate::lenient::flag")]
    pub mandatory: bool,
    /// Whether the field holds several values.
    #[serde(default, deserialize_with = "crate::lenient::flag")]
    pub multiple: bool,
    /// Enumeration options.
    #[serde(default, deserialize_with = "crate::lenient::php_list")]
    pub list: Vec<EnumOption>,
}

/// One option of an enumeration field.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct EnumOption {
    /// Option id (the value written on records).
    #[serde(deserialize_with = "crate::lenient::id")]
    pub id: u64,
    /// Displayed text.
    #[serde(default)]
    pub value: String,
}

/// `fields` of `crm.<entity>.userfield.add`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct NewUserField {
    /// Code; the portal ensures the `UF_CRM_` prefix and upper case.
    pub field_name: String,
    /// `string`, `integer`, `double`, `boolean`, `date`, `enumeration`, `url`, ...
    pub user_type_id: String,
    /// Label in every form and list.
    pub label: String,
    /// `Y`/`N`.
    pub multiple: String,
    /// `Y`/`N`.
    pub mandatory: String,
    /// Enumeration options `[{VALUE, SORT}]`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub list: Vec<Value>,
}

impl B24Client {
    /// `crm.<entity>.userfield.list`: every user field of the entity.
    ///
    /// # Errors
    /// Any call error.
    pub async fn list_user_fields(&self, entity: CrmEntity) -> B24Result<Vec<UserField>> {
        let method = entity.method("userfield.list");
        let rows = self
            .list_all(&method, json!({"order": {"SORT": "ASC"}}))
            .await?;
        rows.into_iter()
            .map(|row| decode_result(&method, row))
            .collect()
    }

    /// The required user fields of the entity (those that must stop a run).
    ///
    /// # Errors
    /// Any call error.
    pub async fn mandatory_user_fields(&self, entity: CrmEntity) -> B24Result<Vec<UserField>> {
        let fields = self.list_user_fields(entity).await?;
        Ok(fields.into_iter().filter(|field| field.mandatory).collect())
    }

    /// `crm.<entity>.userfield.add`: creates a definition and returns its id.
    ///
    /// # Errors
    /// Any call error (invalid or duplicate name, plan restriction...).
    pub async fn add_user_field(&self, entity: CrmEntity, field: &NewUserField) -> B24Result<u64> {
        let method = entity.method("userfield.add");
        let params = json!({"fields": params_of(&method, field)?});
        let envelope = self.call(&method, params).await?;
        new_id(&method, &envelope.result)
    }

    /// `crm.<entity>.userfield.delete`; a definition already gone counts as deleted.
    ///
    /// # Errors
    /// Any call error.
    pub async fn delete_user_field(&self, entity: CrmEntity, id: u64) -> B24Result<()> {
        let method = entity.method("userfield.delete");
        match self.call(&method, json!({"id": id})).await {
            Ok(_) => Ok(()),
            Err(error) if is_not_found(&error) => Ok(()),
            Err(error) => Err(error),
        }
    }
}
