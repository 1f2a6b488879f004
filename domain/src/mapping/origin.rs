//! The origin marker every record created by a run carries (H2): `ORIGINATOR_ID` names the
//! amoCRM account and the run, `ORIGIN_ID` the amoCRM record.
//!
//! Format:
//! - `ORIGINATOR_ID` = `amocrm:<account id>:<migration id>`, e.g.
//!   `amocrm:32067039:5b0f…`. The numeric account id is used because the subdomain can be
//!   renamed; the run is part of it so that a resumed run adopts only its own records and a
//!   rollback never touches another run's (E4).
//! - `ORIGIN_ID` = `<kind>:<amoCRM id>`, e.g. `lead:5765922`, `contact:7140816`,
//!   `note:leads:118`, `pipeline:7810667`. The kind keeps ids of different amoCRM
//!   collections apart where one Bitrix24 list holds them all (activities).
//!
//! Methods without origin fields (tasks, stages, user fields) carry an equivalent marker: tasks
//! end their description with [`Origin::marker`]; stages and user fields have codes derived
//! from the amoCRM id (see [`crate::mapping::pipeline`], [`crate::mapping::custom_fields`]).

use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::Fields;

/// The source-system prefix of every `ORIGINATOR_ID` this product writes.
pub const ORIGINATOR_PREFIX: &str = "amocrm";

/// The origin of the records of one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    /// The amoCRM account id (`GET /api/v4/account` → `id`).
    pub account_id: u64,
    /// The run.
    pub migration_id: Uuid,
}

impl Origin {
    /// The origin of one run on one account.
    pub fn new(account_id: u64, migration_id: Uuid) -> Origin {
        Origin {
            account_id,
            migration_id,
        }
    }

    /// The `ORIGINATOR_ID` value.
    pub fn originator_id(&self) -> String {
        format!(
            "{ORIGINATOR_PREFIX}:{}:{}",
            self.account_id, self.migration_id
        )
    }

    /// The `ORIGIN_ID` value of a record: `<kind>:<amo id>`.
    pub fn origin_id(kind: &str, amo_id: u64) -> String {
        format!("{kind}:{amo_id}")
    }

    /// Writes `ORIGINATOR_ID` and `ORIGIN_ID` into a classic CRM `fields` map.
    pub fn stamp(&self, fields: &mut Fields, kind: &str, amo_id: u64) {
        fields.insert("ORIGINATOR_ID".into(), json!(self.originator_id()));
        fields.insert("ORIGIN_ID".into(), json!(Origin::origin_id(kind, amo_id)));
    }

    /// The text marker for methods without origin fields: `[amocrm:<account>:<run> <kind>:<id>]`.
    pub fn marker(&self, kind: &str, amo_id: u64) -> String {
        format!(
            "[{} {}]",
            self.originator_id(),
            Origin::origin_id(kind, amo_id)
        )
    }
}
