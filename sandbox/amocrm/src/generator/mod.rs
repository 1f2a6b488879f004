//! The deterministic account generator.
//!
//! Every record is a pure function of (seed, entity, index): nothing is stored, so memory
//! does not grow with the account size. Ids derive from the index, creation times grow
//! with the index (a period filter is an index range found by binary search), and the
//! relations between records are computed both ways from index arithmetic.

mod catalog;
mod crm;
mod draw;
mod events;
mod fields;
mod files;
mod notes;
mod records;
mod tasks;
mod words;

use std::ops::Range;

pub use records::{
    CallDirection, Company, Contact, DeletedRecord, DriveFile, EntityKind, Event, FieldDef,
    FieldEnum, FieldValue, Lead, Note, NoteBody, Pipeline, Status, StatusKind, Tag, Task,
    UnsortedItem, User,
};

pub use catalog::{CATALOG_ID, LOSS_REASONS, TASK_TYPES, USER_GROUPS};
pub use crm::UNSORTED_CATEGORIES;
pub(crate) use draw::{Draw, Stream, mix};
pub use events::event_types;

/// Smallest account size accepted.
pub const MIN_SIZE: u64 = 100;
/// Largest account size accepted.
pub const MAX_SIZE: u64 = 1_000_000;
/// Creation time of the first record of every entity (2018-01-01 00:00 UTC).
pub const HISTORY_START: i64 = 1_514_764_800;
/// Creation time bound of the last record (2025-12-01 00:00 UTC).
pub const HISTORY_END: i64 = 1_764_547_200;
/// The latest `updated_at` a record can carry (2026-01-01 00:00 UTC).
pub const UPDATES_END: i64 = 1_767_225_600;
/// The largest gap between a record's creation and its last update (180 days).
pub const MAX_UPDATE_LAG: i64 = 180 * 86_400;

/// Share of the size, in percent, given to each entity kind (order of [`EntityKind::ALL`]).
const SHARES: [u64; 6] = [10, 20, 20, 10, 25, 15];

/// A generated amoCRM account. Cheap to build (only the small catalogues are kept).
#[derive(Debug, Clone)]
pub struct Account {
    seed: u64,
    size: u64,
    account_id: u64,
    counts: [u64; 6],
    users: Vec<User>,
    pipelines: Vec<Pipeline>,
    fields: Vec<FieldDef>,
}

/// The generator is the account: every accessor computes a record on demand.
pub type Generator = Account;

impl Account {
    /// The account of `seed` with `size` records in all (clamped to 100 ..= 1,000,000).
    pub fn new(seed: u64, size: u64) -> Account {
        let size = size.clamp(MIN_SIZE, MAX_SIZE);

        let mut counts = [0; 6];
        for (slot, share) in counts.iter_mut().zip(SHARES) {
            *slot = size * share / 100;
        }
        let spread: u64 = counts.iter().sum();
        counts[5] += size - spread;

        let account_id = 31_000_000 + mix(seed) % 999_999;
        let users = catalog::users(seed, size);
        let pipelines = catalog::pipelines();
        let fields = catalog::field_definitions();
        Account {
            seed,
            size,
            account_id,
            counts,
            users,
            pipelines,
            fields,
        }
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Total record count (the sum of [`Account::count`] over all kinds).
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The amoCRM account id carried by every record.
    pub fn account_id(&self) -> u64 {
        self.account_id
    }

    /// Number of live records of a kind.
    pub fn count(&self, kind: EntityKind) -> u64 {
        self.counts[kind as usize]
    }

    /// Every user, including deleted ones (which `/api/v4/users` does not list).
    pub fn users(&self) -> &[User] {
        &self.users
    }

    /// The pipelines with their statuses.
    pub fn pipelines(&self) -> &[Pipeline] {
        &self.pipelines
    }

    /// Custom field definitions of leads, contacts or companies.
    pub fn fields(&self, kind: EntityKind) -> Vec<&FieldDef> {
        self.fields
            .iter()
            .filter(|field| field.entity == kind)
            .collect()
    }

    /// The id of the record at `index`.
    pub fn id_of(&self, kind: EntityKind, index: u64) -> u64 {
        id_base(kind) + 1 + index
    }

    /// The index of a live record id, if it exists.
    pub fn index_of(&self, kind: EntityKind, id: u64) -> Option<u64> {
        let index = id.checked_sub(id_base(kind) + 1)?;
        (index < self.count(kind)).then_some(index)
    }

    /// Creation time of the record at `index`; never decreases as the index grows.
    pub fn created_at(&self, kind: EntityKind, index: u64) -> i64 {
        let count = self.count(kind).max(1);
        let span = (HISTORY_END - HISTORY_START) as u128;
        let slot = (span / count as u128) as u64;
        let base = (index as u128 * span / count as u128) as i64;
        let jitter = Draw::new(self.seed, Stream::Chaos, index ^ ((kind as u64) << 40)).below(slot);
        HISTORY_START + base + jitter as i64
    }

    /// The indexes whose creation time lies in `from ..= to` (inclusive bounds).
    pub fn created_range(
        &self,
        kind: EntityKind,
        from: Option<i64>,
        to: Option<i64>,
    ) -> Range<u64> {
        self.created_range_upto(kind, self.count(kind), from, to)
    }

    /// Like [`Account::created_range`] over `0..total` indexes, where `total` may exceed
    /// the count when records were appended after the start (creation times keep growing).
    pub fn created_range_upto(
        &self,
        kind: EntityKind,
        total: u64,
        from: Option<i64>,
        to: Option<i64>,
    ) -> Range<u64> {
        let start = match from {
            Some(from) => partition(total, |index| self.created_at(kind, index) < from),
            None => 0,
        };
        let end = match to {
            Some(to) => partition(total, |index| self.created_at(kind, index) <= to),
            None => total,
        };
        start..end.max(start)
    }

    /// How many records of a kind sit in the trash (`with=only_deleted`).
    pub fn deleted_count(&self, kind: EntityKind) -> u64 {
        match kind {
            EntityKind::Leads | EntityKind::Contacts | EntityKind::Companies => {
                (self.count(kind) / 100).max(1)
            }
            _ => 0,
        }
    }

    /// The `k`-th record in the trash.
    pub fn deleted(&self, kind: EntityKind, k: u64) -> DeletedRecord {
        let mut draw = Draw::new(self.seed, Stream::Deleted, k ^ ((kind as u64) << 40));
        let updated_at = UPDATES_END - draw.between(0, 700 * 86_400);
        DeletedRecord {
            kind,
            id: self.deleted_id(kind, k),
            updated_at,
            updated_by: self.users[draw.below(self.users.len() as u64) as usize].id,
        }
    }

    /// The id of the `k`-th trashed record (dangling references point at these).
    pub fn deleted_id(&self, kind: EntityKind, k: u64) -> u64 {
        id_base(kind) + 9_000_001 + k
    }

    /// The trash position of a deleted id.
    pub fn deleted_index_of(&self, kind: EntityKind, id: u64) -> Option<u64> {
        let k = id.checked_sub(id_base(kind) + 9_000_001)?;
        (k < self.deleted_count(kind)).then_some(k)
    }

    /// A responsible/author id: mostly a user (deleted and inactive ones included),
    /// 0 for `zero_per_mille` of the draws.
    pub(crate) fn pick_user(&self, draw: &mut Draw, zero_per_mille: u64) -> u64 {
        if draw.chance(zero_per_mille) {
            return 0;
        }
        self.users[draw.below(self.users.len() as u64) as usize].id
    }

    /// The group of a user id (0 for unknown ids).
    pub(crate) fn group_of(&self, user_id: u64) -> u64 {
        self.users
            .iter()
            .find(|user| user.id == user_id)
            .map_or(0, |user| user.group_id)
    }
}

/// First id minus one of each kind; live ids follow, trashed ids start 9,000,000 later.
fn id_base(kind: EntityKind) -> u64 {
    match kind {
        EntityKind::Companies => 10_000_000,
        EntityKind::Contacts => 20_000_000,
        EntityKind::Leads => 30_000_000,
        EntityKind::Tasks => 40_000_000,
        EntityKind::Notes => 50_000_000,
        EntityKind::Events => 60_000_000,
    }
}

/// The first index in `0..count` for which `before` is false (`before` must be monotone).
fn partition(count: u64, before: impl Fn(u64) -> bool) -> u64 {
    let (mut low, mut high) = (0, count);
    while low < high {
        let middle = low + (high - low) / 2;
        if before(middle) {
            low = middle + 1;
        } else {
            high = middle;
        }
    }
    low
}

/// The index of the record `index` of `from` points to among `to` records (`from` > 0).
pub(crate) fn image(index: u64, from: u64, to: u64) -> u64 {
    (index as u128 * to as u128 / from.max(1) as u128) as u64
}

/// Every index `i` of `0..from` with `image(i, from, to) == target`.
pub(crate) fn preimage(target: u64, from: u64, to: u64) -> Range<u64> {
    if to == 0 {
        return 0..0;
    }
    let ceil = |value: u128| value.div_ceil(to as u128) as u64;
    let start = ceil(target as u128 * from as u128).min(from);
    let end = ceil((target as u128 + 1) * from as u128).min(from);
    start..end
}

/// Indexes interleaved by `index % 10`: the records whose residue is in `group`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Group(pub &'static [u64]);

impl Group {
    /// How many of `0..total` belong to the group.
    pub(crate) fn count(self, total: u64) -> u64 {
        let full = total / 10 * self.0.len() as u64;
        full + self
            .0
            .iter()
            .filter(|residue| **residue < total % 10)
            .count() as u64
    }

    /// Position of `index` inside the group, if it belongs to it.
    pub(crate) fn rank(self, index: u64) -> Option<u64> {
        let at = self.0.iter().position(|residue| *residue == index % 10)?;
        Some(index / 10 * self.0.len() as u64 + at as u64)
    }

    /// The index of the `rank`-th member.
    pub(crate) fn index(self, rank: u64) -> u64 {
        let width = self.0.len() as u64;
        rank / width * 10 + self.0[(rank % width) as usize]
    }
}
