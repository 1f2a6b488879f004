//! Deal pipelines (`crm.category.*` with `entityTypeId = 2`) and their stages
//! (`crm.status.*`, directory `DEAL_STAGE` for the main pipeline, `DEAL_STAGE_{id}` for the
//! others).

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::client::{B24Client, decode_result, params_of};
use crate::error::B24Result;
use crate::methods::crm::{is_not_found, new_id};

/// The CRM type id of deals in the universal `crm.category.*` methods.
const DEAL_TYPE_ID: u32 = 2;

/// A deal pipeline.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Category {
    /// Pipeline id; 0 is the main pipeline.
    #[serde(deserialize_with = "crate::lenient::id")]
    pub id: u64,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Sort order.
    #[serde(default, deserialize_with = "crate::lenient::opt_id")]
    pub sort: Option<u64>,
    /// Whether this is the main pipeline.
    #[serde(default, deserialize_with = "crate::lenient::flag")]
    pub is_default: bool,
}

/// A stage row of `crm.status.list`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct Stage {
    /// Row id (used by `crm.status.delete`).
    #[serde(deserialize_with = "crate::lenient::id")]
    pub id: u64,
    /// Directory, e.g. `DEAL_STAGE_5`.
    pub entity_id: String,
    /// Stage code, e.g. `C5:NEW`.
    pub status_id: String,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// Sort order.
    #[serde(default, deserialize_with = "crate::lenient::opt_id")]
    pub sort: Option<u64>,
    /// `S` success, `F` failure, `None` in progress.
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    pub semantics: Option<String>,
    /// Whether the row is a system stage (deleting it needs `FORCED=Y`).
    #[serde(default, deserialize_with = "crate::lenient::flag")]
    pub system: bool,
}

/// `fields` of `crm.status.add`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct NewStage {
    /// Directory, see [`stage_entity_id`].
    pub entity_id: String,
    /// Code without the `C{id}:` prefix (the portal adds it); Latin letters, digits, `-`, `_`.
    pub status_id: String,
    /// Display name.
    pub name: String,
    /// Sort order: in-progress stages before the success stage, failures after it.
    pub sort: u64,
    /// `#RRGGBB`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// `S` success, `F` failure, empty for in progress.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub semantics: Option<String>,
}

/// The stage directory of a pipeline: `DEAL_STAGE` for 0, `DEAL_STAGE_{id}` otherwise.
pub fn stage_entity_id(category_id: u64) -> String {
    if category_id == 0 {
        "DEAL_STAGE".to_owned()
    } else {
        format!("DEAL_STAGE_{category_id}")
    }
}

#[derive(Deserialize)]
struct CategoryList {
    #[serde(default, deserialize_with = "crate::lenient::php_list")]
    categories: Vec<Category>,
}

#[derive(Deserialize)]
struct CategoryAnswer {
    category: Category,
}

impl B24Client {
    /// `crm.category.list` for deals, the main pipeline (id 0) included.
    ///
    /// # Errors
    /// Any call error.
    pub async fn list_deal_categories(&self) -> B24Result<Vec<Category>> {
        let envelope = self
            .call("crm.category.list", json!({"entityTypeId": DEAL_TYPE_ID}))
            .await?;
        let list: CategoryList = decode_result("crm.category.list", envelope.result)?;
        Ok(list.categories)
    }

    /// `crm.category.add` for deals. The portal creates the default stage set with it.
    ///
    /// # Errors
    /// [`crate::B24Error::PlanLimit`] when the plan allows no further pipeline; any call
    /// error.
    pub async fn add_deal_category(&self, name: &str, sort: u64) -> B24Result<Category> {
        let params = json!({"entityTypeId": DEAL_TYPE_ID, "fields": {"name": name, "sort": sort}});
        let answer: CategoryAnswer = self.call_as("crm.category.add", params).await?;
        Ok(answer.category)
    }

    /// `crm.category.delete` for deals; a pipeline already gone counts as deleted.
    ///
    /// # Errors
    /// Any call error, e.g. when deals still use the pipeline.
    pub async fn delete_deal_category(&self, id: u64) -> B24Result<()> {
        let params = json!({"entityTypeId": DEAL_TYPE_ID, "id": id});
        match self.call("crm.category.delete", params).await {
            Ok(_) => Ok(()),
            Err(error) if is_not_found(&error) => Ok(()),
            Err(error) => Err(error),
        }
    }

    /// `crm.status.list` of one directory, sorted by `SORT` (not paged by the portal).
    ///
    /// # Errors
    /// Any call error.
    pub async fn list_stages(&self, entity_id: &str) -> B24Result<Vec<Stage>> {
        let params = json!({"filter": {"ENTITY_ID": entity_id}, "order": {"SORT": "ASC"}});
        let envelope = self.call("crm.status.list", params).await?;
        let rows = crate::paging::rows_of(envelope.result);
        rows.into_iter()
            .map(|row| decode_result("crm.status.list", row))
            .collect()
    }

    /// `crm.status.add`: creates a stage and returns its row id.
    ///
    /// # Errors
    /// Any call error (duplicate code, order rule...).
    pub async fn add_stage(&self, stage: &NewStage) -> B24Result<u64> {
        let params = json!({"fields": params_of("crm.status.add", stage)?});
        let envelope = self.call("crm.status.add", params).await?;
        new_id("crm.status.add", &envelope.result)
    }

    /// `crm.status.delete`; `forced` is needed for system stages. A stage already gone counts
    /// as deleted.
    ///
    /// # Errors
    /// Any call error, e.g. deals still in the stage.
    pub async fn delete_stage(&self, id: u64, forced: bool) -> B24Result<()> {
        let mut params = json!({"id": id});
        if forced {
            params["params"] = json!({"FORCED": "Y"});
        }
        match self.call("crm.status.delete", params).await {
            Ok(_) => Ok(()),
            Err(error) if is_not_found(&error) => Ok(()),
            Err(error) => Err(error),
        }
    }
}
