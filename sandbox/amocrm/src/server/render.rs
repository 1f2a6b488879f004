//! Rendering of generated records as amoCRM API v4 JSON, honouring `with=` and the
//! shape knobs (legacy `enum` key, numeric values as numbers, minor units).

use serde_json::{Value, json};

use super::query::ListQuery;
use crate::config::SandboxConfig;
use crate::generator::{
    Company, Contact, DeletedRecord, DriveFile, EntityKind, Event, FieldDef, FieldValue,
    HISTORY_START, LOSS_REASONS, Lead, Note, NoteBody, Pipeline, Status, StatusKind, Tag, Task,
    USER_GROUPS, UnsortedItem, User,
};

/// What every renderer needs: base URL, account id and the knobs.
pub(crate) struct Renderer<'a> {
    pub base: &'a str,
    pub account_id: u64,
    pub config: &'a SandboxConfig,
}

fn link(href: String) -> Value {
    json!({"self": {"href": href}})
}

fn tags(tags: &[Tag], colored: bool) -> Value {
    Value::Array(
        tags.iter()
            .map(|tag| {
                if colored {
                    json!({"id": tag.id, "name": tag.name, "color": tag.color})
                } else {
                    json!({"id": tag.id, "name": tag.name})
                }
            })
            .collect(),
    )
}

impl Renderer<'_> {
    fn entity_link(&self, kind: EntityKind, id: u64) -> Value {
        link(format!("{}/api/v4/{}/{id}", self.base, kind.plural()))
    }

    /// `custom_fields_values`: null when empty.
    pub(crate) fn field_values(&self, values: &[FieldValue]) -> Value {
        if values.is_empty() {
            return Value::Null;
        }
        Value::Array(
            values
                .iter()
                .map(|value| {
                    let items: Vec<Value> = value
                        .values
                        .iter()
                        .map(|item| self.field_item(&value.field_type, item))
                        .collect();
                    json!({"field_id": value.field_id, "field_name": value.field_name,
                           "field_code": value.field_code, "field_type": value.field_type,
                           "values": items})
                })
                .collect(),
        )
    }

    fn field_item(&self, field_type: &str, item: &Value) -> Value {
        let mut item = item.clone();
        if field_type == "multitext" && self.config.legacy_enum_key {
            if let Some(object) = item.as_object_mut() {
                let code = object.remove("enum_code").unwrap_or(Value::Null);
                object.remove("enum_id");
                object.insert("enum".to_string(), code);
            }
        }
        if matches!(field_type, "numeric" | "monetary") && self.config.numeric_values_as_numbers {
            if let Some(object) = item.as_object_mut() {
                let number = object
                    .get("value")
                    .and_then(Value::as_str)
                    .and_then(|text| text.parse::<f64>().ok());
                if let Some(number) = number {
                    object.insert("value".to_string(), json!(number));
                }
            }
        }
        item
    }

    /// A loss reason of the catalogue, if the id is one.
    pub(crate) fn loss_reason(&self, id: u64) -> Option<Value> {
        let sort = LOSS_REASONS.iter().position(|reason| reason.0 == id)?;
        let name = LOSS_REASONS[sort].1;
        let href = format!("{}/api/v4/leads/loss_reasons/{id}", self.base);
        Some(
            json!({"id": id, "name": name, "sort": sort, "created_at": HISTORY_START,
                    "updated_at": HISTORY_START, "_links": link(href)}),
        )
    }

    /// A lead.
    pub(crate) fn lead(&self, lead: &Lead, query: &ListQuery) -> Value {
        let mut embedded = json!({
            "tags": tags(&lead.tags, true),
            "companies": lead.company_id.map_or_else(Vec::new, |id| {
                vec![json!({"id": id, "_links": self.entity_link(EntityKind::Companies, id)})]
            }),
        });
        if query.with("contacts") {
            embedded["contacts"] = Value::Array(
                lead.contacts
                    .iter()
                    .map(|(id, main)| {
                        let links = self.entity_link(EntityKind::Contacts, *id);
                        json!({"id": id, "is_main": main, "_links": links})
                    })
                    .collect(),
            );
        }
        if query.with("loss_reason") {
            let reason = lead.loss_reason_id.and_then(|id| self.loss_reason(id));
            embedded["loss_reason"] = Value::Array(reason.into_iter().collect());
        }
        if query.with("catalog_elements") {
            embedded["catalog_elements"] = json!([]);
        }

        let mut body = json!({
            "id": lead.id, "name": lead.name, "price": lead.price,
            "responsible_user_id": lead.responsible_user_id, "group_id": lead.group_id,
            "status_id": lead.status_id, "pipeline_id": lead.pipeline_id,
            "loss_reason_id": lead.loss_reason_id, "created_by": lead.created_by,
            "updated_by": lead.updated_by, "created_at": lead.created_at,
            "updated_at": lead.updated_at, "closed_at": lead.closed_at,
            "closest_task_at": null, "is_deleted": false,
            "custom_fields_values": self.field_values(&lead.custom_fields),
            "score": null, "account_id": self.account_id, "labor_cost": lead.labor_cost,
            "_links": self.entity_link(EntityKind::Leads, lead.id),
            "_embedded": embedded,
        });
        if self.config.price_with_minor_units {
            body["price_with_minor_units"] = json!(lead.price as f64);
        }
        if query.with("is_price_modified_by_robot") {
            body["is_price_modified_by_robot"] = json!(false);
        }
        if query.with("source_id") {
            body["source_id"] = Value::Null;
        }
        body
    }

    /// A contact; `leads` are only computed when `with=leads` asks for them.
    pub(crate) fn contact(
        &self,
        contact: &Contact,
        query: &ListQuery,
        leads: Option<Vec<u64>>,
    ) -> Value {
        let mut embedded = json!({
            "tags": tags(&contact.tags, false),
            "companies": contact.company_ids.first().map_or_else(Vec::new, |id| {
                vec![json!({"id": id, "_links": self.entity_link(EntityKind::Companies, *id)})]
            }),
        });
        if let Some(leads) = leads {
            embedded["leads"] = self.id_links(EntityKind::Leads, &leads);
        }
        if query.with("customers") {
            embedded["customers"] = json!([]);
        }
        if query.with("catalog_elements") {
            embedded["catalog_elements"] = json!([]);
        }
        json!({
            "id": contact.id, "name": contact.name, "first_name": contact.first_name,
            "last_name": contact.last_name, "responsible_user_id": contact.responsible_user_id,
            "group_id": contact.group_id, "created_by": contact.created_by,
            "updated_by": contact.updated_by, "created_at": contact.created_at,
            "updated_at": contact.updated_at, "closest_task_at": null, "is_deleted": false,
            "is_unsorted": false,
            "custom_fields_values": self.field_values(&contact.custom_fields),
            "account_id": self.account_id,
            "_links": self.entity_link(EntityKind::Contacts, contact.id),
            "_embedded": embedded,
        })
    }

    /// A company; related ids are passed in when `with=` asks for them.
    pub(crate) fn company(
        &self,
        company: &Company,
        query: &ListQuery,
        contacts: Option<Vec<u64>>,
        leads: Option<Vec<u64>>,
    ) -> Value {
        let mut embedded = json!({"tags": tags(&company.tags, false)});
        if let Some(contacts) = contacts {
            embedded["contacts"] = self.id_links(EntityKind::Contacts, &contacts);
        }
        if let Some(leads) = leads {
            embedded["leads"] = self.id_links(EntityKind::Leads, &leads);
        }
        if query.with("customers") {
            embedded["customers"] = json!([]);
        }
        json!({
            "id": company.id, "name": company.name,
            "responsible_user_id": company.responsible_user_id, "group_id": company.group_id,
            "created_by": company.created_by, "updated_by": company.updated_by,
            "created_at": company.created_at, "updated_at": company.updated_at,
            "closest_task_at": null, "is_deleted": false,
            "custom_fields_values": self.field_values(&company.custom_fields),
            "account_id": self.account_id,
            "_links": self.entity_link(EntityKind::Companies, company.id),
            "_embedded": embedded,
        })
    }

    fn id_links(&self, kind: EntityKind, ids: &[u64]) -> Value {
        Value::Array(
            ids.iter()
                .map(|id| json!({"id": id, "_links": self.entity_link(kind, *id)}))
                .collect(),
        )
    }

    /// A trashed record (`with=only_deleted`).
    pub(crate) fn deleted(&self, record: &DeletedRecord) -> Value {
        json!({"id": record.id, "updated_at": record.updated_at, "updated_by": record.updated_by,
               "is_deleted": true, "account_id": self.account_id,
               "_links": self.entity_link(record.kind, record.id)})
    }

    /// A note with its type-specific params.
    pub(crate) fn note(&self, note: &Note, query: &ListQuery) -> Value {
        let params = match &note.body {
            NoteBody::Common { text } => json!({"text": text}),
            NoteBody::Call {
                uniq,
                duration,
                source,
                phone,
                call_result,
                call_status,
                call_responsible,
                has_recording,
                ..
            } => {
                let link =
                    has_recording.then(|| format!("{}/recordings/{}.mp3", self.base, note.id));
                json!({"uniq": uniq, "duration": duration, "source": source, "link": link,
                       "phone": phone, "call_result": call_result, "call_status": call_status,
                       "call_responsible": call_responsible})
            }
            NoteBody::Service { service, text, .. } => json!({"service": service, "text": text}),
            NoteBody::Cashier { status, text } => json!({"status": status, "text": text}),
            NoteBody::Geolocation {
                text,
                address,
                longitude,
                latitude,
            } => {
                json!({"text": text, "address": address, "longitude": longitude,
                       "latitude": latitude})
            }
            NoteBody::Sms { text, phone, .. } => json!({"text": text, "phone": phone}),
            NoteBody::DriveAttachment { file } => json!({
                "file_uuid": file.uuid, "version_uuid": file.version_uuid, "file_name": file.name,
                "original_name": file.name, "text": "", "is_drive_attachment": true}),
            NoteBody::LegacyAttachment {
                attachment,
                original_name,
            } => {
                json!({"attachment": attachment, "original_name": original_name})
            }
            NoteBody::Mail {
                thread_id,
                message_id,
                private,
                income,
                from,
                to,
                subject,
                content_summary,
                attach_cnt,
            } => json!({
                "thread_id": thread_id, "message_id": message_id, "private": private,
                "income": income, "from": {"email": from.1, "name": from.0},
                "to": {"email": to.1, "name": to.0}, "subject": subject,
                "content_summary": content_summary, "attach_cnt": attach_cnt,
                "delivery": {"status": "delivered", "time": note.created_at}}),
            NoteBody::Other { params, .. } => params.clone(),
        };
        let mut body = json!({
            "id": note.id, "entity_id": note.entity_id, "created_by": note.created_by,
            "updated_by": note.updated_by, "created_at": note.created_at,
            "updated_at": note.updated_at, "responsible_user_id": note.responsible_user_id,
            "group_id": note.group_id, "note_type": note.body.note_type(), "params": params,
            "account_id": self.account_id,
            "_links": link(format!("{}/api/v4/{}/{}/notes/{}", self.base, note.entity.plural(),
                                   note.entity_id, note.id)),
        });
        if query.with("is_pinned") {
            body["is_pinned"] = json!(note.is_pinned);
        }
        body
    }

    /// A task: `result` is `[]` without a result, `{text}` with one.
    pub(crate) fn task(&self, task: &Task) -> Value {
        let result = match &task.result {
            Some(text) => json!({"text": text}),
            None => json!([]),
        };
        json!({
            "id": task.id, "created_by": task.created_by, "updated_by": task.updated_by,
            "created_at": task.created_at, "updated_at": task.updated_at,
            "responsible_user_id": task.responsible_user_id, "group_id": task.group_id,
            "entity_id": task.entity.map(|(_, id)| id),
            "entity_type": task.entity.map(|(kind, _)| kind.plural()),
            "is_completed": task.is_completed, "task_type_id": task.task_type_id,
            "text": task.text, "duration": task.duration, "complete_till": task.complete_till,
            "result": result, "account_id": self.account_id,
            "_links": link(format!("{}/api/v4/tasks/{}", self.base, task.id)),
        })
    }

    /// An event: string id, singular `entity_type`.
    pub(crate) fn event(&self, event: &Event) -> Value {
        json!({
            "id": event.id, "type": event.event_type, "entity_id": event.entity_id,
            "entity_type": event.entity.singular(), "created_by": event.created_by,
            "created_at": event.created_at, "value_after": event.value_after,
            "value_before": event.value_before, "account_id": self.account_id,
            "_links": link(format!("{}/api/v4/events/{}", self.base, event.id)),
            "_embedded": {"entity": {"id": event.entity_id,
                "_links": self.entity_link(event.entity, event.entity_id)}},
        })
    }

    /// A user with its rights.
    pub(crate) fn user(&self, user: &User, query: &ListQuery) -> Value {
        let all = if user.is_admin { "A" } else { "M" };
        let crud = json!({"view": all, "edit": all, "add": all, "delete": all, "export": all});
        let mut body = json!({
            "id": user.id, "name": user.name, "email": user.email, "lang": user.lang,
            "rights": {
                "leads": crud, "contacts": crud, "companies": crud,
                "tasks": {"edit": all, "delete": all}, "mail_access": true,
                "catalog_access": true, "status_rights": [], "is_admin": user.is_admin,
                "is_free": user.is_free, "is_active": user.is_active,
                "group_id": if user.group_id == 0 { Value::Null } else { json!(user.group_id) },
                "role_id": null,
            },
            "_links": link(format!("{}/api/v4/users/{}", self.base, user.id)),
        });
        if query.with("group") || query.with("role") {
            let group = json!({"id": user.group_id, "name": group_name(user.group_id)});
            body["_embedded"] = json!({"roles": [], "groups": [group]});
        }
        if query.with("uuid") {
            body["uuid"] = json!(format!("{:032x}", user.id));
        }
        if query.with("phone_number") {
            body["phone_number"] = Value::Null;
        }
        body
    }

    /// A status.
    pub(crate) fn status(&self, status: &Status, query: &ListQuery) -> Value {
        let mut body = json!({
            "id": status.id, "name": status.name, "sort": status.sort,
            "is_editable": status.is_editable, "pipeline_id": status.pipeline_id,
            "color": status.color, "type": if status.kind == StatusKind::Unsorted { 1 } else { 0 },
            "account_id": self.account_id,
            "_links": link(format!("{}/api/v4/leads/pipelines/{}/statuses/{}", self.base,
                                   status.pipeline_id, status.id)),
        });
        if query.with("descriptions") {
            body["descriptions"] = json!([]);
        }
        body
    }

    /// A pipeline with its statuses embedded.
    pub(crate) fn pipeline(&self, pipeline: &Pipeline, query: &ListQuery) -> Value {
        let statuses: Vec<Value> = pipeline
            .statuses
            .iter()
            .map(|status| self.status(status, query))
            .collect();
        json!({
            "id": pipeline.id, "name": pipeline.name, "sort": pipeline.sort,
            "is_main": pipeline.is_main, "is_unsorted_on": pipeline.is_unsorted_on,
            "is_archive": pipeline.is_archive, "account_id": self.account_id,
            "_links": link(format!("{}/api/v4/leads/pipelines/{}", self.base, pipeline.id)),
            "_embedded": {"statuses": statuses},
        })
    }

    /// A custom field definition.
    pub(crate) fn field(&self, field: &FieldDef) -> Value {
        let enums = field.enums.as_ref().map(|enums| {
            enums
                .iter()
                .map(|option| json!({"id": option.id, "value": option.value, "sort": option.sort}))
                .collect::<Vec<_>>()
        });
        let required: Vec<Value> = field
            .required_statuses
            .iter()
            .map(|(pipeline, status)| json!({"pipeline_id": pipeline, "status_id": status}))
            .collect();
        json!({
            "id": field.id, "name": field.name, "type": field.field_type,
            "account_id": self.account_id, "code": field.code, "sort": field.sort,
            "is_api_only": false, "enums": enums, "group_id": null,
            "required_statuses": required, "is_deletable": !field.is_predefined,
            "is_predefined": field.is_predefined, "entity_type": field.entity.plural(),
            "remind": if field.field_type == "birthday" { json!("never") } else { Value::Null },
            "currency": field.currency, "settings": null, "hidden_statuses": [],
            "chained_lists": null, "tracking_callback": null, "search_in": null,
            "_links": link(format!("{}/api/v4/{}/custom_fields/{}", self.base,
                                   field.entity.plural(), field.id)),
        })
    }

    /// A drive file model.
    pub(crate) fn drive_file(&self, file: &DriveFile) -> Value {
        let drive = format!("{}/drive", self.base);
        let kind = match file.mime_type.split('/').next() {
            Some("image") => "image",
            Some("audio") => "audio",
            Some("video") => "video",
            _ => "document",
        };
        let extension = file.name.rsplit('.').next().unwrap_or_default();
        json!({
            "uuid": file.uuid, "version_uuid": file.version_uuid, "name": file.name,
            "sanitized_name": file.name, "size": file.size, "type": kind,
            "is_trashed": false, "has_multiple_versions": false,
            "created_at": file.created_at, "created_by": {"id": file.created_by, "type": "user"},
            "updated_at": file.created_at, "updated_by": {"id": file.created_by, "type": "user"},
            "deleted_at": null, "deleted_by": null,
            "metadata": {"extension": extension, "mime_type": file.mime_type}, "previews": [],
            "_links": {
                "self": {"href": format!("{drive}/v1.0/files/{}", file.uuid)},
                "download": {"href": format!("{drive}/download/{}/{}", file.uuid, file.name)},
                "download_version": {"href": format!("{drive}/download/{}/{}/{}", file.uuid,
                                                     file.version_uuid, file.name)},
            },
        })
    }

    /// An unsorted item.
    pub(crate) fn unsorted(&self, item: &UnsortedItem, query: &ListQuery) -> Value {
        let contacts: Vec<Value> = item
            .lead
            .contacts
            .iter()
            .take(1)
            .map(|(id, _)| json!({"id": id, "_links": self.entity_link(EntityKind::Contacts, *id)}))
            .collect();
        json!({
            "uid": item.uid, "source_uid": null, "source_name": item.source_name,
            "category": item.category, "pipeline_id": item.lead.pipeline_id,
            "created_at": item.lead.created_at, "metadata": item.metadata,
            "account_id": self.account_id,
            "_links": link(format!("{}/api/v4/leads/unsorted/{}", self.base, item.uid)),
            "_embedded": {"leads": [self.lead(&item.lead, query)], "contacts": contacts,
                          "companies": []},
        })
    }
}

/// Name of a user group.
pub(crate) fn group_name(id: u64) -> &'static str {
    USER_GROUPS
        .iter()
        .find(|group| group.0 == id)
        .map_or(USER_GROUPS[0].1, |group| group.1)
}
