//! Notes of every type on leads, contacts and companies. Notes are interleaved by
//! `index % 10` over the parent kinds, and within a kind map onto parents in order, so
//! the notes of one parent are an index range computed without scanning.

use serde_json::json;

use super::draw::{Draw, Stream};
use super::files::FileOrigin;
use super::records::{CallDirection, EntityKind, Note, NoteBody};
use super::{Account, Group, MAX_UPDATE_LAG, UPDATES_END, image, preimage, words};

/// Which residues of `index % 10` belong to notes of each parent kind.
pub(crate) const NOTE_GROUPS: [(EntityKind, Group); 3] = [
    (EntityKind::Leads, Group(&[0, 1, 2, 3, 4])),
    (EntityKind::Contacts, Group(&[5, 6, 7])),
    (EntityKind::Companies, Group(&[8, 9])),
];

impl Account {
    /// The note at `index` (`0..count(Notes)`).
    pub fn note(&self, index: u64) -> Note {
        let mut draw = Draw::new(self.seed, Stream::Note, index);
        let created_at = self.created_at(EntityKind::Notes, index);
        let total = self.count(EntityKind::Notes);

        let (entity, group) = NOTE_GROUPS
            .iter()
            .copied()
            .find(|(_, group)| group.rank(index).is_some())
            .unwrap_or(NOTE_GROUPS[0]);
        let rank = group.rank(index).unwrap_or(0);
        let parent = image(rank, group.count(total), self.count(entity));

        let responsible_user_id = self.pick_user(&mut draw, 20);
        let created_by = self.pick_user(&mut draw, 80);
        let updated_at = (created_at + draw.between(0, MAX_UPDATE_LAG / 6)).min(UPDATES_END);
        let body = self.note_body(&mut draw, index);

        Note {
            index,
            id: self.id_of(EntityKind::Notes, index),
            entity,
            entity_id: self.id_of(entity, parent),
            created_by,
            updated_by: created_by,
            created_at,
            updated_at: updated_at.max(created_at),
            responsible_user_id,
            group_id: self.group_of(responsible_user_id),
            is_pinned: draw.chance(20),
            body,
        }
    }

    /// Indexes of the notes of the record `index` of `kind`, in ascending order.
    pub fn notes_of(&self, kind: EntityKind, index: u64) -> impl Iterator<Item = u64> + use<> {
        let total = self.count(EntityKind::Notes);
        let parents = self.count(kind);
        let group = NOTE_GROUPS
            .iter()
            .find(|(parent, _)| *parent == kind)
            .map(|(_, group)| *group);
        let ranks = match group {
            Some(group) if index < parents => preimage(index, group.count(total), parents),
            _ => 0..0,
        };
        ranks.filter_map(move |rank| group.map(|group| group.index(rank)))
    }

    fn note_body(&self, draw: &mut Draw, index: u64) -> NoteBody {
        let roll = draw.below(1000);
        match roll {
            0..350 => {
                let text = if draw.chance(6) {
                    words::oversized_text(draw, 70_000)
                } else {
                    (*draw.pick(words::NOTE_TEXTS)).to_string()
                };
                NoteBody::Common { text }
            }
            350..590 => NoteBody::Call {
                direction: if roll < 470 {
                    CallDirection::Incoming
                } else {
                    CallDirection::Outgoing
                },
                uniq: format!("{:016x}", draw.next_u64()),
                duration: draw.between(0, 1_800),
                source: (*draw.pick(&["Mango Office", "Sipuni", "Телфин"])).to_string(),
                phone: words::phone(draw),
                call_result: (*draw.pick(&["Договорились о встрече", "Не дозвонились", ""]))
                    .to_string(),
                call_status: draw.between(1, 7) as u8,
                call_responsible: self.pick_user(draw, 0).to_string(),
                has_recording: draw.chance(700),
            },
            590..670 => NoteBody::Service {
                extended: roll >= 640,
                service: "Робот".to_string(),
                text: "Сделка перемещена роботом".to_string(),
            },
            670..690 => NoteBody::Cashier {
                status: (*draw.pick(&["created", "shown", "canceled"])).to_string(),
                text: "Оплата по ссылке".to_string(),
            },
            690..710 => NoteBody::Geolocation {
                text: "Встреча с клиентом".to_string(),
                address: words::address(draw),
                longitude: format!("37.{:06}", draw.below(1_000_000)),
                latitude: format!("55.{:06}", draw.below(1_000_000)),
            },
            710..790 => NoteBody::Sms {
                incoming: roll < 750,
                text: "Ваш заказ готов к выдаче".to_string(),
                phone: words::phone(draw),
            },
            790..860 => NoteBody::DriveAttachment {
                file: self.file_for(FileOrigin::Note, index),
            },
            860..890 => NoteBody::LegacyAttachment {
                attachment: format!("legacy_{index}.pdf"),
                original_name: format!("Скан счёта {index}.pdf"),
            },
            890..970 => {
                let person = words::person(draw);
                let email = format!("{}@mail.ru", words::translit(&person.last));
                NoteBody::Mail {
                    thread_id: 100_000 + index,
                    message_id: 200_000 + index,
                    private: draw.chance(100),
                    income: draw.chance(600),
                    from: (format!("{} {}", person.first, person.last), email),
                    to: (
                        "Отдел продаж".to_string(),
                        "sales@vector-trade.ru".to_string(),
                    ),
                    subject: (*draw.pick(words::MAIL_SUBJECTS)).to_string(),
                    content_summary: (*draw.pick(words::NOTE_TEXTS)).to_string(),
                    attach_cnt: draw.below(3),
                }
            }
            970..985 => NoteBody::Other {
                note_type: "invoice_paid".to_string(),
                params: json!({"service": "Счета", "text": "Счёт оплачен",
                               "icon_url": "https://www.amocrm.ru/static/invoice.png"}),
            },
            _ => NoteBody::Other {
                note_type: "site_visit".to_string(),
                params: json!({"text": "Посещение сайта",
                               "url": "https://www.vector-trade.ru/price"}),
            },
        }
    }
}

impl Account {
    /// Number of notes attached to records of `kind`.
    pub fn notes_count_for(&self, kind: EntityKind) -> u64 {
        note_group(kind).map_or(0, |group| group.count(self.count(EntityKind::Notes)))
    }

    /// The index of the `rank`-th note of `kind` (notes of one kind keep index order).
    pub fn note_index_for(&self, kind: EntityKind, rank: u64) -> u64 {
        note_group(kind).map_or(0, |group| group.index(rank))
    }

    /// The rank among the notes of `kind` of the note at `index`, if it belongs there.
    pub fn note_rank_for(&self, kind: EntityKind, index: u64) -> Option<u64> {
        note_group(kind)?
            .rank(index)
            .filter(|_| index < self.count(EntityKind::Notes))
    }
}

fn note_group(kind: EntityKind) -> Option<Group> {
    NOTE_GROUPS
        .iter()
        .find(|(parent, _)| *parent == kind)
        .map(|(_, group)| *group)
}
