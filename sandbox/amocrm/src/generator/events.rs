//! Events of the account history with string ids that encode their index.

use serde_json::{Value, json};

use super::draw::{Draw, Stream};
use super::records::{EntityKind, Event};
use super::{Account, Group, image, preimage};

/// Which residues of `index % 10` belong to events of each entity kind.
pub(crate) const EVENT_GROUPS: [(EntityKind, Group); 4] = [
    (EntityKind::Leads, Group(&[0, 1, 2, 3, 4])),
    (EntityKind::Contacts, Group(&[5, 6])),
    (EntityKind::Companies, Group(&[7, 8])),
    (EntityKind::Tasks, Group(&[9])),
];

const LEAD_TYPES: &[&str] = &[
    "lead_added",
    "lead_status_changed",
    "lead_status_changed",
    "entity_responsible_changed",
    "common_note_added",
    "incoming_call",
    "outgoing_call",
    "entity_tag_added",
    "custom_field_value_changed",
    "name_field_changed",
    "sale_field_changed",
    "incoming_chat_message",
    "outgoing_chat_message",
    "entity_linked",
    "attachment_note_added",
];
const CONTACT_TYPES: &[&str] = &[
    "contact_added",
    "entity_responsible_changed",
    "common_note_added",
    "incoming_chat_message",
    "incoming_sms",
    "entity_linked",
    "entity_merged",
    "name_field_changed",
];
const COMPANY_TYPES: &[&str] = &[
    "company_added",
    "name_field_changed",
    "common_note_added",
    "entity_tag_added",
];
const TASK_TYPES: &[&str] = &[
    "task_added",
    "task_completed",
    "task_deadline_changed",
    "task_text_changed",
    "task_result_added",
];

const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// Every event type the generator emits.
pub fn event_types() -> Vec<&'static str> {
    let mut all: Vec<&str> = [LEAD_TYPES, CONTACT_TYPES, COMPANY_TYPES, TASK_TYPES].concat();
    all.sort_unstable();
    all.dedup();
    all
}

impl Account {
    /// The event at `index` (`0..count(Events)`).
    pub fn event(&self, index: u64) -> Event {
        let mut draw = Draw::new(self.seed, Stream::Event, index);
        let total = self.count(EntityKind::Events);
        let (entity, group) = EVENT_GROUPS
            .iter()
            .copied()
            .find(|(_, group)| group.rank(index).is_some())
            .unwrap_or(EVENT_GROUPS[0]);
        let rank = group.rank(index).unwrap_or(0);
        let parent = image(rank, group.count(total), self.count(entity));
        let types = match entity {
            EntityKind::Leads => LEAD_TYPES,
            EntityKind::Contacts => CONTACT_TYPES,
            EntityKind::Companies => COMPANY_TYPES,
            _ => TASK_TYPES,
        };
        let event_type = *draw.pick(types);
        let (value_before, value_after) = self.payload(&mut draw, event_type);

        Event {
            index,
            id: event_id(self.seed, index),
            event_type: event_type.to_string(),
            entity,
            entity_id: self.id_of(entity, parent),
            created_by: self.pick_user(&mut draw, 100),
            created_at: self.created_at(EntityKind::Events, index),
            value_before,
            value_after,
        }
    }

    /// The index of an event id, if the account holds it.
    pub fn event_index(&self, id: &str) -> Option<u64> {
        let digits = id.get(2..12)?;
        let index = digits.bytes().try_fold(0u64, |acc, byte| {
            let digit = ALPHABET.iter().position(|c| *c == byte)? as u64;
            acc.checked_mul(36)?.checked_add(digit)
        })?;
        (index < self.count(EntityKind::Events) && event_id(self.seed, index) == id)
            .then_some(index)
    }

    /// Indexes of the events about the record `index` of `kind`, ascending.
    pub fn events_of(&self, kind: EntityKind, index: u64) -> impl Iterator<Item = u64> + use<> {
        let total = self.count(EntityKind::Events);
        let parents = self.count(kind);
        let group = EVENT_GROUPS
            .iter()
            .find(|(parent, _)| *parent == kind)
            .map(|(_, group)| *group);
        let ranks = match group {
            Some(group) if index < parents => preimage(index, group.count(total), parents),
            _ => 0..0,
        };
        ranks.filter_map(move |rank| group.map(|group| group.index(rank)))
    }

    fn payload(&self, draw: &mut Draw, event_type: &str) -> (Value, Value) {
        let pipeline = &self.pipelines()[draw.below(3) as usize];
        let status = |draw: &mut Draw| {
            let at = draw.below(pipeline.statuses.len() as u64) as usize;
            json!([{"lead_status": {"id": pipeline.statuses[at].id, "pipeline_id": pipeline.id}}])
        };
        let note = |draw: &mut Draw| {
            let notes = self.count(EntityKind::Notes);
            json!([{"note": {"id": self.id_of(EntityKind::Notes, draw.below(notes))}}])
        };
        match event_type {
            "lead_added" => (json!([]), status(draw)),
            "lead_status_changed" => (status(draw), status(draw)),
            "entity_responsible_changed" => (
                json!([{"responsible_user": {"id": self.pick_user(draw, 0)}}]),
                json!([{"responsible_user": {"id": self.pick_user(draw, 0)}}]),
            ),
            "common_note_added" | "incoming_call" | "outgoing_call" | "attachment_note_added" => {
                (json!([]), note(draw))
            }
            "incoming_chat_message" | "outgoing_chat_message" => (
                json!([]),
                json!([{"message": {"id": format!("{:032x}", draw.next_u64() as u128),
                                     "origin": "telegram"}}]),
            ),
            "incoming_sms" => (
                json!([]),
                json!([{"message": {"id": draw.below(1_000_000).to_string()}}]),
            ),
            "entity_tag_added" => (json!([]), json!([{"tag": {"name": "VIP"}}])),
            "custom_field_value_changed" => (
                json!([]),
                json!([{"custom_field_value": {"field_id": 603_001, "field_type": 1,
                                                "enum_id": null, "text": "Выставка"}}]),
            ),
            "name_field_changed" => (
                json!([{"name_field_value": {"name": "Старое название"}}]),
                json!([{"name_field_value": {"name": "Новое название"}}]),
            ),
            "sale_field_changed" => (
                json!([{"sale_field_value": {"sale": draw.below(100) * 1_000}}]),
                json!([{"sale_field_value": {"sale": draw.below(100) * 1_000}}]),
            ),
            "entity_linked" => (
                json!([]),
                json!([{"link": {"entity": {"id": self.id_of(EntityKind::Contacts, 0),
                                             "type": "contact"}}}]),
            ),
            "task_deadline_changed" => (
                json!([{"task_deadline": {"timestamp": 1_700_000_000}}]),
                json!([{"task_deadline": {"timestamp": 1_700_086_400}}]),
            ),
            "task_completed" => (json!([]), json!([{"task_completed": true}])),
            _ => (json!([]), json!([])),
        }
    }
}

/// A 26-character lowercase id: "01", ten base-36 digits of the index, 14 check characters.
fn event_id(seed: u64, index: u64) -> String {
    let mut id = String::with_capacity(26);
    id.push_str("01");
    let mut digits = [b'0'; 10];
    let mut rest = index;
    for slot in digits.iter_mut().rev() {
        *slot = ALPHABET[(rest % 36) as usize];
        rest /= 36;
    }
    id.extend(digits.iter().map(|byte| *byte as char));
    let mut draw = Draw::new(seed, Stream::Secret, index);
    for _ in 0..14 {
        id.push(ALPHABET[draw.below(36) as usize] as char);
    }
    id
}
