//! Leads, contacts and companies, their relations in both directions, and the
//! unsorted items (leads waiting in «Неразобранное»).

use serde_json::json;

use super::catalog::LOSS_REASONS;
use super::draw::{Draw, Stream};
use super::fields::Context;
use super::records::{Company, Contact, EntityKind, Lead, StatusKind, Tag, UnsortedItem};
use super::{Account, HISTORY_END, MAX_UPDATE_LAG, UPDATES_END, image, preimage, words};

/// Salt separating relation draws from the record's own draws.
const RELATIONS: u64 = 0x005E_ED0F_114E;
/// Every `UNSORTED_EVERY`-th lead (offset [`UNSORTED_OFFSET`]) waits in «Неразобранное».
const UNSORTED_EVERY: u64 = 20;
const UNSORTED_OFFSET: u64 = 3;
/// Categories of unsorted items.
pub const UNSORTED_CATEGORIES: [&str; 4] = ["sip", "mail", "forms", "chats"];
/// Leads created before 2020 may sit in the archived pipeline.
const ARCHIVE_BEFORE: i64 = 1_577_836_800;

impl Account {
    /// The lead at `index` (`0..count(Leads)`).
    pub fn lead(&self, index: u64) -> Lead {
        let mut draw = Draw::new(self.seed, Stream::Lead, index);
        let created_at = self.created_at(EntityKind::Leads, index);

        let pipelines = self.pipelines();
        let waiting = index % UNSORTED_EVERY == UNSORTED_OFFSET;
        let pipeline = if created_at < ARCHIVE_BEFORE && !waiting && draw.chance(300) {
            &pipelines[3]
        } else {
            match draw.below(100) {
                0..60 => &pipelines[0],
                60..85 => &pipelines[1],
                _ => &pipelines[2],
            }
        };
        let customs: Vec<_> = pipeline
            .statuses
            .iter()
            .filter(|status| status.kind == StatusKind::Custom)
            .collect();
        let kind = if waiting {
            StatusKind::Unsorted
        } else {
            match draw.below(100) {
                0..22 => StatusKind::Won,
                22..44 => StatusKind::Lost,
                _ => StatusKind::Custom,
            }
        };
        let status_id = match kind {
            StatusKind::Custom => draw.pick(&customs).id,
            other => pipeline
                .statuses
                .iter()
                .find(|status| status.kind == other)
                .map_or(142, |s| s.id),
        };

        let closed = matches!(kind, StatusKind::Won | StatusKind::Lost);
        let closed_at =
            closed.then(|| (created_at + draw.between(3_600, 90 * 86_400)).min(HISTORY_END));
        let loss_reason_id =
            (kind == StatusKind::Lost && draw.chance(700)).then(|| draw.pick(LOSS_REASONS).0);
        let updated_at = (closed_at.unwrap_or(created_at) + draw.between(0, MAX_UPDATE_LAG / 2))
            .min(UPDATES_END)
            .min(created_at + MAX_UPDATE_LAG);

        let deal = *draw.pick(words::DEAL_NAMES);
        let name = if draw.chance(10) {
            format!("{deal}: {}", words::oversized_text(&mut draw, 2_000))
        } else {
            format!("{deal} #{}", index + 1)
        };
        let price = if draw.chance(150) {
            0
        } else {
            draw.between(1, 300) * 1_000
        };
        let responsible_user_id = self.pick_user(&mut draw, 30);
        let created_by = self.pick_user(&mut draw, 150);
        let updated_by = self.pick_user(&mut draw, 100);
        let labor_cost = draw.chance(50).then(|| draw.between(600, 36_000));
        let custom_fields = self.field_values(
            &mut draw,
            &Context {
                kind: EntityKind::Leads,
                index,
                person: None,
                created_at,
            },
        );
        let tags = tags(&mut draw, true);
        let (contacts, company_id) = self.lead_relations(index);

        Lead {
            index,
            id: self.id_of(EntityKind::Leads, index),
            name,
            price,
            responsible_user_id,
            group_id: self.group_of(responsible_user_id),
            status_id,
            pipeline_id: pipeline.id,
            loss_reason_id,
            created_by,
            updated_by,
            created_at,
            updated_at,
            closed_at,
            labor_cost,
            custom_fields,
            tags,
            contacts,
            company_id,
        }
    }

    /// The contact at `index` (`0..count(Contacts)`).
    pub fn contact(&self, index: u64) -> Contact {
        let mut draw = Draw::new(self.seed, Stream::Contact, index);
        let created_at = self.created_at(EntityKind::Contacts, index);
        let person = words::person(&mut draw);

        let (name, first_name, last_name) = match draw.below(100) {
            0..10 => (person.first.clone(), person.first.clone(), String::new()),
            10..13 => (
                format!("{} (бухгалтерия)", person.first),
                String::new(),
                String::new(),
            ),
            _ => (
                format!("{} {}", person.first, person.last),
                person.first.clone(),
                person.last.clone(),
            ),
        };
        let responsible_user_id = self.pick_user(&mut draw, 30);
        let created_by = self.pick_user(&mut draw, 100);
        let updated_by = self.pick_user(&mut draw, 100);
        let updated_at = (created_at + draw.between(0, MAX_UPDATE_LAG)).min(UPDATES_END);
        let custom_fields = self.field_values(
            &mut draw,
            &Context {
                kind: EntityKind::Contacts,
                index,
                person: Some(&person),
                created_at,
            },
        );

        Contact {
            index,
            id: self.id_of(EntityKind::Contacts, index),
            name,
            first_name,
            last_name,
            responsible_user_id,
            group_id: self.group_of(responsible_user_id),
            created_by,
            updated_by,
            created_at,
            updated_at: updated_at.max(created_at),
            custom_fields,
            tags: tags(&mut draw, false),
            company_ids: self.contact_companies(index),
        }
    }

    /// The company at `index` (`0..count(Companies)`).
    pub fn company(&self, index: u64) -> Company {
        let mut draw = Draw::new(self.seed, Stream::Company, index);
        let created_at = self.created_at(EntityKind::Companies, index);
        let name = words::company(&mut draw);
        let responsible_user_id = self.pick_user(&mut draw, 30);
        let created_by = self.pick_user(&mut draw, 100);
        let updated_by = self.pick_user(&mut draw, 100);
        let updated_at = (created_at + draw.between(0, MAX_UPDATE_LAG)).min(UPDATES_END);
        let custom_fields = self.field_values(
            &mut draw,
            &Context {
                kind: EntityKind::Companies,
                index,
                person: None,
                created_at,
            },
        );

        Company {
            index,
            id: self.id_of(EntityKind::Companies, index),
            name,
            responsible_user_id,
            group_id: self.group_of(responsible_user_id),
            created_by,
            updated_by,
            created_at,
            updated_at: updated_at.max(created_at),
            custom_fields,
            tags: tags(&mut draw, false),
        }
    }

    /// A lead's contacts (id, is_main) and company; may include a trashed contact id.
    pub(crate) fn lead_relations(&self, index: u64) -> (Vec<(u64, bool)>, Option<u64>) {
        let mut draw = Draw::new(self.seed ^ RELATIONS, Stream::Lead, index);
        let contacts_count = self.count(EntityKind::Contacts);
        let mut contacts = Vec::new();
        let mut company_id = None;

        if draw.chance(850) {
            let main = image(index, self.count(EntityKind::Leads), contacts_count)
                .min(contacts_count.saturating_sub(1));
            contacts.push((self.id_of(EntityKind::Contacts, main), true));
            if draw.chance(200) && main + 1 < contacts_count {
                contacts.push((self.id_of(EntityKind::Contacts, main + 1), false));
            }
            if draw.chance(600) {
                company_id = self.contact_companies(main).first().copied();
            }
        }
        if draw.chance(30) {
            let trashed = index % self.deleted_count(EntityKind::Contacts);
            contacts.push((
                self.deleted_id(EntityKind::Contacts, trashed),
                contacts.is_empty(),
            ));
        }
        (contacts, company_id)
    }

    /// A contact's companies, main first; may include a trashed company id.
    pub(crate) fn contact_companies(&self, index: u64) -> Vec<u64> {
        let mut draw = Draw::new(self.seed ^ RELATIONS, Stream::Contact, index);
        let companies = self.count(EntityKind::Companies);
        let mut ids = Vec::new();

        if draw.chance(750) {
            let main = image(index, self.count(EntityKind::Contacts), companies)
                .min(companies.saturating_sub(1));
            ids.push(self.id_of(EntityKind::Companies, main));
            for step in [1, 2] {
                if draw.chance(if step == 1 { 120 } else { 50 }) && main + step < companies {
                    ids.push(self.id_of(EntityKind::Companies, main + step));
                }
            }
        }
        if draw.chance(20) {
            let trashed = index % self.deleted_count(EntityKind::Companies);
            ids.push(self.deleted_id(EntityKind::Companies, trashed));
        }
        ids
    }

    /// Ids of the leads linked to the contact at `index`.
    pub fn contact_lead_ids(&self, index: u64) -> Vec<u64> {
        let leads = self.count(EntityKind::Leads);
        let contacts = self.count(EntityKind::Contacts);
        let id = self.id_of(EntityKind::Contacts, index);
        let first = index.saturating_sub(1);
        let candidates =
            preimage(first, leads, contacts).start..preimage(index, leads, contacts).end;
        candidates
            .filter(|lead| {
                self.lead_relations(*lead)
                    .0
                    .iter()
                    .any(|(contact, _)| *contact == id)
            })
            .map(|lead| self.id_of(EntityKind::Leads, lead))
            .collect()
    }

    /// Ids of the contacts linked to the company at `index`.
    pub fn company_contact_ids(&self, index: u64) -> Vec<u64> {
        let contacts = self.count(EntityKind::Contacts);
        let companies = self.count(EntityKind::Companies);
        let id = self.id_of(EntityKind::Companies, index);
        let first = index.saturating_sub(2);
        let candidates =
            preimage(first, contacts, companies).start..preimage(index, contacts, companies).end;
        candidates
            .filter(|contact| self.contact_companies(*contact).contains(&id))
            .map(|contact| self.id_of(EntityKind::Contacts, contact))
            .collect()
    }

    /// Ids of the leads linked to the company at `index`.
    pub fn company_lead_ids(&self, index: u64) -> Vec<u64> {
        let leads = self.count(EntityKind::Leads);
        let contacts = self.count(EntityKind::Contacts);
        let companies = self.count(EntityKind::Companies);
        let id = self.id_of(EntityKind::Companies, index);
        preimage(index, contacts, companies)
            .flat_map(|contact| preimage(contact, leads, contacts))
            .filter(|lead| self.lead_relations(*lead).1 == Some(id))
            .map(|lead| self.id_of(EntityKind::Leads, lead))
            .collect()
    }

    /// Number of unsorted items.
    pub fn unsorted_count(&self) -> u64 {
        let leads = self.count(EntityKind::Leads);
        if leads <= UNSORTED_OFFSET {
            0
        } else {
            (leads - UNSORTED_OFFSET - 1) / UNSORTED_EVERY + 1
        }
    }

    /// The category of the `k`-th unsorted item without building it.
    pub fn unsorted_category(&self, k: u64) -> &'static str {
        let mut draw = Draw::new(self.seed ^ RELATIONS, Stream::Event, k);
        let category: &&str = draw.pick(&UNSORTED_CATEGORIES);
        category
    }

    /// The `k`-th unsorted item (`0..unsorted_count()`); every 20th lead waits there.
    pub fn unsorted(&self, k: u64) -> UnsortedItem {
        let lead = self.lead(k * UNSORTED_EVERY + UNSORTED_OFFSET);

        let mut draw = Draw::new(self.seed ^ RELATIONS, Stream::Event, k);
        let category = *draw.pick(&UNSORTED_CATEGORIES);
        let at = lead.created_at;
        let metadata = match category {
            "sip" => {
                json!({"phone": words::phone(&mut draw),
                "call_responsible": lead.responsible_user_id,
                "called_at": at, "duration": draw.between(5, 600), "link": null,
                "service_code": "sipuni", "uniq": format!("call-{k}"),
                "is_call_event_needed": true})
            }
            "mail" => json!({"from": {"email": format!("client{k}@mail.ru"), "name": "Клиент"},
                "received_at": at, "subject": draw.pick(words::MAIL_SUBJECTS),
                "thread_id": 700_000 + k, "message_id": 800_000 + k,
                "content_summary": draw.pick(words::NOTE_TEXTS)}),
            "forms" => json!({"form_id": "1", "form_name": "Заявка с сайта",
                "form_page": "https://www.vector-trade.ru/contacts", "ip": "95.165.10.1",
                "form_sent_at": at, "referer": "https://yandex.ru/"}),
            _ => {
                json!({"from": "Клиент", "to": "Менеджер", "received_at": at, "service": "telegram",
                "client": {"name": "Клиент", "avatar": null},
                "origin": {"chat_id": format!("chat-{k}"), "ref": null, "visitor_uid": null},
                "last_message_text": "Здравствуйте! Сколько стоит доставка?",
                "source_name": "Telegram"})
            }
        };
        UnsortedItem {
            uid: format!("{:016x}{:016x}", super::mix(self.seed ^ k), k),
            category: category.to_string(),
            source_name: format!("Источник {category}"),
            lead,
            metadata,
        }
    }
}

/// Up to two tags; only lead tags carry a colour.
fn tags(draw: &mut Draw, colored: bool) -> Vec<Tag> {
    let count = draw.below(3);
    let mut picked: Vec<Tag> = Vec::new();
    for _ in 0..count {
        let at = draw.below(words::TAGS.len() as u64);
        if picked.iter().any(|tag| tag.id == 61_000 + at) {
            continue;
        }
        picked.push(Tag {
            id: 61_000 + at,
            name: words::TAGS[at as usize].to_string(),
            color: (colored && at % 2 == 0).then(|| "#DDEBB5".to_string()),
        });
    }
    picked
}
