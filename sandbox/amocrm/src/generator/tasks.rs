//! Tasks on leads, contacts and companies and free tasks, open and finished.

use super::catalog::TASK_TYPES;
use super::draw::{Draw, Stream};
use super::records::{EntityKind, Task};
use super::{Account, Group, HISTORY_END, image, preimage, words};

/// Which residues of `index % 10` belong to tasks of each kind; 9 = free tasks.
pub(crate) const TASK_GROUPS: [(EntityKind, Group); 3] = [
    (EntityKind::Leads, Group(&[0, 1, 2, 3, 4])),
    (EntityKind::Contacts, Group(&[5, 6])),
    (EntityKind::Companies, Group(&[7, 8])),
];

/// Tasks whose deadline falls in the last 60 days of the history stay open.
const OPEN_WINDOW: i64 = 60 * 86_400;

impl Account {
    /// The task at `index` (`0..count(Tasks)`).
    pub fn task(&self, index: u64) -> Task {
        let mut draw = Draw::new(self.seed, Stream::Task, index);
        let created_at = self.created_at(EntityKind::Tasks, index);
        let total = self.count(EntityKind::Tasks);

        let entity = TASK_GROUPS.iter().find_map(|(kind, group)| {
            let rank = group.rank(index)?;
            let parent = image(rank, group.count(total), self.count(*kind));
            Some((*kind, self.id_of(*kind, parent)))
        });
        let complete_till = created_at + draw.between(3_600, 14 * 86_400);
        let is_completed = complete_till < HISTORY_END - OPEN_WINDOW && draw.chance(850);
        let result = (is_completed && draw.chance(600))
            .then(|| format!("Выполнено: {}", draw.pick(words::NOTE_TEXTS)));
        let responsible_user_id = self.pick_user(&mut draw, 10);
        let created_by = self.pick_user(&mut draw, 50);
        let updated_at = if is_completed {
            complete_till
        } else {
            created_at + draw.between(0, 3_600)
        };

        Task {
            index,
            id: self.id_of(EntityKind::Tasks, index),
            created_by,
            updated_by: created_by,
            created_at,
            updated_at,
            responsible_user_id,
            group_id: self.group_of(responsible_user_id),
            entity,
            is_completed,
            task_type_id: draw.pick(TASK_TYPES).0,
            text: (*draw.pick(words::TASK_TEXTS)).to_string(),
            duration: draw.between(0, 4) * 900,
            complete_till,
            result,
        }
    }

    /// Indexes of the tasks of the record `index` of `kind`, ascending.
    pub fn tasks_of(&self, kind: EntityKind, index: u64) -> impl Iterator<Item = u64> + use<> {
        let total = self.count(EntityKind::Tasks);
        let parents = self.count(kind);
        let group = TASK_GROUPS
            .iter()
            .find(|(parent, _)| *parent == kind)
            .map(|(_, group)| *group);
        let ranks = match group {
            Some(group) if index < parents => preimage(index, group.count(total), parents),
            _ => 0..0,
        };
        ranks.filter_map(move |rank| group.map(|group| group.index(rank)))
    }
}
