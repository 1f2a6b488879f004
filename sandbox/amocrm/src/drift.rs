//! Changes made to the account while it is served, so a client paging through it sees
//! offset drift: records deleted from the middle and records appended at the end.
//! Only the changes are stored (deleted indexes and an appended count per kind).

use std::collections::BTreeSet;

use crate::generator::{Account, EntityKind};

/// Deletions and appends per entity kind (leads, contacts, companies).
#[derive(Debug, Default)]
pub(crate) struct Drift {
    removed: [BTreeSet<u64>; 6],
    appended: [u64; 6],
}

/// What one request sees of a kind: the live count and the deleted indexes.
#[derive(Debug, Clone)]
pub(crate) struct LiveKind {
    /// Indexes `0..total` exist (generated count plus appended records).
    pub total: u64,
    /// Indexes deleted while serving.
    pub removed: BTreeSet<u64>,
}

impl LiveKind {
    /// The index of a live id.
    pub(crate) fn index_of(&self, account: &Account, kind: EntityKind, id: u64) -> Option<u64> {
        let first = account.id_of(kind, 0);
        let index = id.checked_sub(first)?;
        (index < self.total && !self.removed.contains(&index)).then_some(index)
    }
}

impl Drift {
    /// The view of `kind` right now.
    pub(crate) fn live(&self, account: &Account, kind: EntityKind) -> LiveKind {
        LiveKind {
            total: account.count(kind) + self.appended[kind as usize],
            removed: self.removed[kind as usize].clone(),
        }
    }

    /// Deletes the record at `index`; false if it did not exist.
    pub(crate) fn remove(&mut self, account: &Account, kind: EntityKind, index: u64) -> bool {
        let total = account.count(kind) + self.appended[kind as usize];
        index < total && self.removed[kind as usize].insert(index)
    }

    /// Appends `count` records and returns their indexes.
    pub(crate) fn append(&mut self, account: &Account, kind: EntityKind, count: u64) -> Vec<u64> {
        let start = account.count(kind) + self.appended[kind as usize];
        self.appended[kind as usize] += count;
        (start..start + count).collect()
    }

    /// (deleted, appended) totals over all kinds, for the state dump.
    pub(crate) fn totals(&self) -> (usize, u64) {
        (
            self.removed.iter().map(BTreeSet::len).sum(),
            self.appended.iter().sum(),
        )
    }
}
