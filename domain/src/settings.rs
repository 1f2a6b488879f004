//! What the user chose for a run: entities with their dependencies (B1, B2), the period (B3),
//! files on or off (B4) and pipeline targets (B5), plus the fingerprint that tells when
//! counts no longer match the settings (C3).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::entity::Entity;

/// An inclusive range of days applied to records' creation dates (B3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    /// The first day inside the period.
    pub from: NaiveDate,
    /// The last day inside the period.
    pub to: NaiveDate,
}

impl Period {
    /// Builds a period, refusing one that ends before it starts.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Period, SettingsError> {
        if to < from {
            return Err(SettingsError::PeriodReversed { from, to });
        }
        Ok(Period { from, to })
    }

    /// Whether a record created at this instant (UTC) falls inside the period.
    pub fn contains(&self, created_at: DateTime<Utc>) -> bool {
        let day = created_at.date_naive();
        self.from <= day && day <= self.to
    }

    /// The first instant inside the period, as a Unix timestamp.
    pub fn start_timestamp(&self) -> i64 {
        self.from.and_time(NaiveTime::MIN).and_utc().timestamp()
    }

    /// The last second inside the period, as a Unix timestamp.
    pub fn end_timestamp(&self) -> i64 {
        let next_day = self.to.succ_opt().unwrap_or(self.to);
        next_day.and_time(NaiveTime::MIN).and_utc().timestamp() - 1
    }
}

/// Where one amoCRM pipeline lands on the portal (B5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum PipelineTarget {
    /// The portal's main (default) deal pipeline.
    Main,
    /// A new pipeline created by the run.
    New,
    /// An existing portal pipeline, merged stages included.
    Existing(u64),
}

/// The settings of one run. Built through [`Settings::new`], which adds dependencies; the
/// default (nothing chosen) stands only for a run that is not configured yet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// The chosen entities, dependencies included.
    pub entities: BTreeSet<Entity>,
    /// The period, or `None` for the account's whole life.
    pub period: Option<Period>,
    /// Whether files (attachments and call recordings) are moved.
    pub files: bool,
    /// Explicit targets by amoCRM pipeline id; pipelines not listed take the default.
    pub pipelines: BTreeMap<u64, PipelineTarget>,
}

/// An entity added to the user's choice because another one needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddedDependency {
    /// The entity that was added.
    pub entity: Entity,
    /// The chosen entity that needs it.
    pub needed_by: Entity,
    /// Why, in words the settings screen shows.
    pub reason: String,
}

/// Settings that cannot be accepted, with what was wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    /// No entity was chosen.
    #[error("choose at least one entity to move")]
    NothingChosen,
    /// A chosen entity lacks one it depends on.
    #[error("{needed_by} cannot be moved without {entity}: {reason}")]
    MissingDependency {
        /// The entity missing.
        entity: Entity,
        /// The chosen entity that needs it.
        needed_by: Entity,
        /// Why.
        reason: &'static str,
    },
    /// The period ends before it starts.
    #[error("the period ends ({to}) before it starts ({from})")]
    PeriodReversed {
        /// The first day given.
        from: NaiveDate,
        /// The last day given.
        to: NaiveDate,
    },
}

impl Settings {
    /// Builds settings from the user's choice and adds what the chosen entities depend on.
    ///
    /// Returns the settings and the list of entities that were added, with the reason for
    /// each, so the screen can tell the user why a box got ticked (B2).
    pub fn new(
        chosen: impl IntoIterator<Item = Entity>,
        period: Option<Period>,
        files: bool,
        pipelines: BTreeMap<u64, PipelineTarget>,
    ) -> Result<(Settings, Vec<AddedDependency>), SettingsError> {
        let chosen: BTreeSet<Entity> = chosen.into_iter().collect();
        if chosen.is_empty() {
            return Err(SettingsError::NothingChosen);
        }

        let (entities, added) = close_over_dependencies(&chosen);
        let settings = Settings {
            entities,
            period,
            files,
            pipelines,
        };
        Ok((settings, added))
    }

    /// Checks settings that did not come from [`Settings::new`]: something is chosen, and
    /// every chosen entity comes with what it depends on.
    pub fn check(&self) -> Result<(), SettingsError> {
        if self.entities.is_empty() {
            return Err(SettingsError::NothingChosen);
        }
        for needed_by in &self.entities {
            for (entity, reason) in needed_by.dependencies() {
                if !self.entities.contains(entity) {
                    return Err(SettingsError::MissingDependency {
                        entity: *entity,
                        needed_by: *needed_by,
                        reason,
                    });
                }
            }
        }
        if let Some(period) = self.period {
            Period::new(period.from, period.to)?;
        }
        Ok(())
    }

    /// A stable digest of these settings: equal settings give equal fingerprints.
    ///
    /// Counts are taken for one fingerprint; a run whose settings changed must count again.
    pub fn fingerprint(&self) -> String {
        let canonical = serde_json::to_vec(self).unwrap_or_default();
        hex::encode(Sha256::digest(canonical))
    }

    /// The chosen entities in the order a run moves them.
    pub fn entities_in_order(&self) -> impl Iterator<Item = Entity> + '_ {
        Entity::ALL
            .into_iter()
            .filter(|entity| self.entities.contains(entity))
    }

    /// Where an amoCRM pipeline goes: the explicit choice, else the main pipeline for the
    /// account's main pipeline and a new pipeline for every other one.
    pub fn pipeline_target(&self, amo_pipeline_id: u64, is_main: bool) -> PipelineTarget {
        match self.pipelines.get(&amo_pipeline_id) {
            Some(target) => *target,
            None if is_main => PipelineTarget::Main,
            None => PipelineTarget::New,
        }
    }
}

/// Adds, transitively, every entity the chosen ones depend on.
fn close_over_dependencies(chosen: &BTreeSet<Entity>) -> (BTreeSet<Entity>, Vec<AddedDependency>) {
    let mut entities = chosen.clone();
    let mut added = Vec::new();
    let mut pending: Vec<Entity> = chosen.iter().copied().collect();

    while let Some(entity) = pending.pop() {
        for (dependency, reason) in entity.dependencies() {
            if entities.insert(*dependency) {
                added.push(AddedDependency {
                    entity: *dependency,
                    needed_by: entity,
                    reason: (*reason).to_owned(),
                });
                pending.push(*dependency);
            }
        }
    }

    added.sort_by_key(|dependency| dependency.entity);
    (entities, added)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("valid date")
    }

    #[test]
    fn deals_bring_pipelines_contacts_and_companies_with_reasons() {
        let (settings, added) =
            Settings::new([Entity::Deals], None, true, BTreeMap::new()).expect("valid");

        let expected: BTreeSet<_> = [
            Entity::Companies,
            Entity::Contacts,
            Entity::Pipelines,
            Entity::Deals,
        ]
        .into();
        assert_eq!(settings.entities, expected);
        assert_eq!(added.len(), 3);
        assert!(added.iter().all(|dependency| !dependency.reason.is_empty()));
    }

    #[test]
    fn contacts_bring_companies_but_companies_bring_nothing() {
        let (contacts, _) =
            Settings::new([Entity::Contacts], None, true, BTreeMap::new()).expect("valid");
        let (companies, added) =
            Settings::new([Entity::Companies], None, true, BTreeMap::new()).expect("valid");

        assert!(contacts.entities.contains(&Entity::Companies));
        assert_eq!(companies.entities.len(), 1);
        assert!(added.is_empty());
    }

    #[test]
    fn choosing_nothing_is_refused() {
        let result = Settings::new([], None, true, BTreeMap::new());

        assert_eq!(result, Err(SettingsError::NothingChosen));
    }

    #[test]
    fn a_reversed_period_is_refused_and_names_both_days() {
        let error = Period::new(day("2024-05-01"), day("2024-04-01")).expect_err("reversed");

        assert!(error.to_string().contains("2024-04-01"));
        assert!(error.to_string().contains("2024-05-01"));
    }

    #[test]
    fn the_period_includes_both_of_its_days_whole() {
        let period = Period::new(day("2024-01-01"), day("2024-01-31")).expect("valid");
        let last_second = DateTime::from_timestamp(period.end_timestamp(), 0).expect("valid");
        let next_day = DateTime::from_timestamp(period.end_timestamp() + 1, 0).expect("valid");

        assert!(period.contains(last_second));
        assert!(!period.contains(next_day));
        assert_eq!(
            period.end_timestamp() - period.start_timestamp() + 1,
            31 * 86_400
        );
    }

    #[test]
    fn the_fingerprint_changes_with_any_setting_and_only_then() {
        let (base, _) = Settings::new([Entity::Deals], None, true, BTreeMap::new()).expect("ok");
        let same = base.clone();
        let mut without_files = base.clone();
        without_files.files = false;
        let mut other_target = base.clone();
        other_target
            .pipelines
            .insert(7, PipelineTarget::Existing(3));

        assert_eq!(base.fingerprint(), same.fingerprint());
        assert_ne!(base.fingerprint(), without_files.fingerprint());
        assert_ne!(base.fingerprint(), other_target.fingerprint());
    }

    #[test]
    fn unlisted_pipelines_go_main_for_the_main_one_and_new_for_the_rest() {
        let mut targets = BTreeMap::new();
        targets.insert(11, PipelineTarget::Existing(5));
        let (settings, _) = Settings::new([Entity::Deals], None, true, targets).expect("ok");

        assert_eq!(settings.pipeline_target(10, true), PipelineTarget::Main);
        assert_eq!(settings.pipeline_target(12, false), PipelineTarget::New);
        assert_eq!(
            settings.pipeline_target(11, false),
            PipelineTarget::Existing(5)
        );
    }
}
