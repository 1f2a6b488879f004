//! Checklist: entity shapes as the reference shows them — account with `with=` parts,
//! admin-only users incl. inactive, pipelines with unsorted/142/143, leads/contacts/
//! companies with nullable fields and `with=`, `only_deleted`, custom field definitions
//! and every value shape, multitext `enum_code` (legacy `enum` knob), tasks, events,
//! links, unsorted and its summary.

mod common;

use common::{get, get_json, items, start, unlimited};
use migrator_sandbox_amocrm::SandboxConfig;
use migrator_sandbox_amocrm::generator::{EntityKind, StatusKind};
use serde_json::Value;

#[tokio::test]
async fn account_has_currency_and_with_parts() {
    let sandbox = start(unlimited(200)).await;
    let with = "users_groups,task_types,datetime_settings,drive_url,is_api_filter_enabled";
    let body = get_json(&sandbox, &format!("/api/v4/account?with={with}")).await;
    assert_eq!(body["currency"], "RUB");
    assert_eq!(body["currency_symbol"], "₽");
    assert_eq!(body["id"], sandbox.control().account().account_id());
    assert_eq!(
        body["_embedded"]["datetime_settings"]["timezone"],
        "Europe/Moscow"
    );
    assert_eq!(body["drive_url"], format!("{}/drive", sandbox.url()));
    assert_eq!(body["is_api_filter_enabled"], true);
    let task_types = body["_embedded"]["task_types"].as_array().unwrap();
    assert!(
        task_types
            .iter()
            .any(|t| t["code"] == "FOLLOW_UP" && t["id"] == 1)
    );
    assert!(
        !body["_embedded"]["users_groups"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let plain = get_json(&sandbox, "/api/v4/account").await;
    assert!(plain.get("drive_url").is_none());
}

#[tokio::test]
async fn users_list_inactive_not_deleted_and_is_admin_only() {
    let sandbox = start(unlimited(200)).await;
    let account = sandbox.control().account();
    let body = get_json(&sandbox, "/api/v4/users?limit=250").await;
    let listed = items(&body, "users");
    let live = account.users().iter().filter(|u| !u.is_deleted).count();
    assert_eq!(listed.len(), live);
    assert_eq!(body["_total_items"], live);
    assert!(listed.iter().any(|u| u["rights"]["is_active"] == false));
    let deleted = account.users().iter().find(|u| u.is_deleted).unwrap();
    assert!(listed.iter().all(|u| u["id"] != deleted.id));

    let admin = &account.users()[0];
    let one = get_json(&sandbox, &format!("/api/v4/users/{}?with=group", admin.id)).await;
    assert_eq!(one["email"], admin.email.as_str());
    assert_eq!(one["rights"]["is_admin"], true);
    assert!(one["_embedded"]["groups"].is_array());
    let gone = get(&sandbox, &format!("/api/v4/users/{}", deleted.id)).await;
    assert_eq!(gone.status(), 204);

    let sandbox = start(SandboxConfig {
        grant_by_admin: false,
        ..unlimited(200)
    })
    .await;
    assert_eq!(get(&sandbox, "/api/v4/users").await.status(), 403);
}

#[tokio::test]
async fn pipelines_carry_unsorted_type_1_and_won_lost_142_143_in_every_pipeline() {
    let sandbox = start(unlimited(200)).await;
    let body = get_json(&sandbox, "/api/v4/leads/pipelines").await;
    let pipelines = items(&body, "pipelines");
    assert!(pipelines.iter().any(|p| p["is_archive"] == true));
    assert_eq!(pipelines.iter().filter(|p| p["is_main"] == true).count(), 1);
    for pipeline in pipelines {
        let statuses = pipeline["_embedded"]["statuses"].as_array().unwrap();
        assert_eq!(statuses.iter().filter(|s| s["type"] == 1).count(), 1);
        assert!(statuses.iter().any(|s| s["id"] == 142
            && s["name"] == "Успешно реализовано"
            && s["is_editable"] == false));
        assert!(
            statuses
                .iter()
                .any(|s| s["id"] == 143 && s["name"] == "Закрыто и не реализовано")
        );
    }
    let id = pipelines[0]["id"].as_u64().unwrap();
    let reasons = get_json(&sandbox, "/api/v4/leads/loss_reasons").await;
    assert_eq!(
        reasons["_total_items"],
        items(&reasons, "loss_reasons").len()
    );
    assert!(
        items(&reasons, "loss_reasons")
            .iter()
            .all(|r| r["name"].is_string())
    );
    let statuses = get_json(&sandbox, &format!("/api/v4/leads/pipelines/{id}/statuses")).await;
    assert!(statuses["_total_items"].as_u64().unwrap() >= 3);
}

#[tokio::test]
async fn lead_shape_has_nullable_fields_embedded_tags_companies_and_with_parts() {
    let sandbox = start(unlimited(2_000)).await;
    let body = get_json(&sandbox, "/api/v4/leads?limit=250").await;
    let leads = items(&body, "leads");
    for lead in leads {
        for key in [
            "id",
            "name",
            "price",
            "responsible_user_id",
            "group_id",
            "status_id",
            "pipeline_id",
            "loss_reason_id",
            "created_by",
            "updated_by",
            "created_at",
            "updated_at",
            "closed_at",
            "closest_task_at",
            "is_deleted",
            "custom_fields_values",
            "score",
            "account_id",
            "labor_cost",
            "price_with_minor_units",
        ] {
            assert!(lead.get(key).is_some(), "lead lacks {key}");
        }
        assert!(lead["_embedded"]["tags"].is_array());
        assert!(lead["_embedded"]["companies"].as_array().unwrap().len() <= 1);
        assert!(lead["_embedded"].get("contacts").is_none());
        assert!(lead["_embedded"].get("loss_reason").is_none());
    }
    assert!(leads.iter().any(|l| l["custom_fields_values"].is_null()));
    assert!(leads.iter().any(|l| l["closed_at"].is_null()));
    assert!(leads.iter().any(|l| l["created_by"] == 0));
    assert!(leads.iter().any(|l| l["responsible_user_id"] == 0));

    let with = get_json(
        &sandbox,
        "/api/v4/leads?limit=250&with=contacts,loss_reason",
    )
    .await;
    let leads = items(&with, "leads");
    assert!(leads.iter().all(|l| l["_embedded"]["contacts"].is_array()));
    let lost = leads
        .iter()
        .find(|l| !l["loss_reason_id"].is_null())
        .unwrap();
    let reasons = lost["_embedded"]["loss_reason"].as_array().unwrap();
    assert_eq!(reasons.len(), 1, "loss_reason is an array with one item");
    assert!(leads.iter().any(|l| {
        l["_embedded"]["contacts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["is_main"] == true)
    }));
}

#[tokio::test]
async fn dangling_contact_reference_points_at_a_trashed_contact() {
    let sandbox = start(unlimited(5_000)).await;
    let account = sandbox.control().account();
    let lead = (0..account.count(EntityKind::Leads))
        .map(|i| account.lead(i))
        .find(|lead| {
            lead.contacts
                .iter()
                .any(|(id, _)| account.index_of(EntityKind::Contacts, *id).is_none())
        })
        .expect("some lead links a deleted contact");
    let (dangling, _) = lead
        .contacts
        .iter()
        .find(|(id, _)| account.index_of(EntityKind::Contacts, *id).is_none())
        .unwrap();
    let body = get_json(
        &sandbox,
        &format!("/api/v4/leads/{}?with=contacts", lead.id),
    )
    .await;
    assert!(
        body["_embedded"]["contacts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == *dangling)
    );
    assert_eq!(
        get(&sandbox, &format!("/api/v4/contacts/{dangling}"))
            .await
            .status(),
        204
    );
    let trash = get_json(&sandbox, "/api/v4/contacts?with=only_deleted&limit=250").await;
    let trashed = items(&trash, "contacts");
    assert!(
        trashed
            .iter()
            .all(|c| c["is_deleted"] == true && c.get("name").is_none())
    );
    assert!(trashed.iter().any(|c| c["id"] == *dangling));
}

#[tokio::test]
async fn contacts_without_last_name_with_several_companies_and_with_leads() {
    let sandbox = start(unlimited(5_000)).await;
    let account = sandbox.control().account();
    let body = get_json(&sandbox, "/api/v4/contacts?limit=250&with=leads").await;
    let contacts = items(&body, "contacts");
    assert!(
        contacts
            .iter()
            .any(|c| c["last_name"] == "" && c["first_name"] != "")
    );
    assert!(
        contacts
            .iter()
            .all(|c| c["_embedded"]["companies"].as_array().unwrap().len() <= 1)
    );
    let several = (0..account.count(EntityKind::Contacts))
        .find(|i| account.contact(*i).company_ids.len() > 1)
        .unwrap();
    let id = account.id_of(EntityKind::Contacts, several);
    let links = get_json(&sandbox, &format!("/api/v4/contacts/{id}/links")).await;
    let companies = items(&links, "links")
        .iter()
        .filter(|l| l["to_entity_type"] == "companies")
        .count();
    assert!(companies > 1);

    let with_leads = contacts
        .iter()
        .find(|c| !c["_embedded"]["leads"].as_array().unwrap().is_empty())
        .unwrap();
    let lead_id = with_leads["_embedded"]["leads"][0]["id"].as_u64().unwrap();
    let lead = get_json(&sandbox, &format!("/api/v4/leads/{lead_id}?with=contacts")).await;
    assert!(
        lead["_embedded"]["contacts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == with_leads["id"])
    );
}

#[tokio::test]
async fn companies_with_contacts_agree_with_contacts_companies() {
    let sandbox = start(unlimited(3_000)).await;
    let body = get_json(&sandbox, "/api/v4/companies?limit=50&with=contacts,leads").await;
    let company = items(&body, "companies")
        .iter()
        .find(|c| !c["_embedded"]["contacts"].as_array().unwrap().is_empty())
        .unwrap();
    let contact_id = company["_embedded"]["contacts"][0]["id"].as_u64().unwrap();
    let links = get_json(&sandbox, &format!("/api/v4/contacts/{contact_id}/links")).await;
    assert!(
        items(&links, "links")
            .iter()
            .any(|l| l["to_entity_id"] == company["id"])
    );
}

#[tokio::test]
async fn custom_field_definitions_and_every_value_shape() {
    let sandbox = start(unlimited(5_000)).await;
    let fields = get_json(&sandbox, "/api/v4/contacts/custom_fields?limit=250").await;
    let defs = items(&fields, "custom_fields");
    let phone = defs.iter().find(|f| f["code"] == "PHONE").unwrap();
    assert_eq!(phone["type"], "multitext");
    assert!(
        phone["enums"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["value"] == "MOB")
    );
    let types: Vec<&str> = defs.iter().map(|f| f["type"].as_str().unwrap()).collect();
    for wanted in [
        "text",
        "numeric",
        "checkbox",
        "select",
        "multiselect",
        "date",
        "url",
        "date_time",
        "textarea",
        "radiobutton",
        "streetaddress",
        "smart_address",
        "birthday",
        "legal_entity",
        "monetary",
        "file",
        "multitext",
    ] {
        assert!(types.contains(&wanted), "contacts lack a {wanted} field");
    }

    let mut seen = std::collections::BTreeMap::new();
    for page in 1..=4 {
        let body = get_json(&sandbox, &format!("/api/v4/contacts?limit=250&page={page}")).await;
        for contact in items(&body, "contacts") {
            for value in contact["custom_fields_values"]
                .as_array()
                .into_iter()
                .flatten()
            {
                seen.entry(value["field_type"].as_str().unwrap().to_string())
                    .or_insert_with(|| value["values"].clone());
            }
        }
    }
    assert!(seen["multitext"][0]["enum_code"].is_string());
    assert!(seen["multitext"][0]["enum_id"].is_u64());
    assert!(seen["date_time"][0]["value"].is_i64());
    assert!(seen["birthday"][0]["value"].is_i64());
    assert!(seen["numeric"][0]["value"].is_string());
    assert!(seen["checkbox"][0]["value"].is_boolean());
    assert!(seen["select"][0]["enum_id"].is_u64());
    assert!(seen["legal_entity"][0]["value"]["name"].is_string());
    assert!(seen["file"][0]["value"]["file_uuid"].is_string());
    assert!(
        seen["smart_address"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["enum_code"] == "city")
    );
}

#[tokio::test]
async fn invalid_emails_exist_among_contact_values() {
    let sandbox = start(unlimited(5_000)).await;
    let account = sandbox.control().account();
    let invalid = (0..account.count(EntityKind::Contacts))
        .flat_map(|i| account.contact(i).custom_fields)
        .filter(|field| field.field_code.as_deref() == Some("EMAIL"))
        .flat_map(|field| field.values)
        .any(|value| {
            !value["value"].as_str().unwrap().contains('@')
                || value["value"].as_str().unwrap().contains("@@")
        });
    assert!(invalid);
}

#[tokio::test]
async fn multitext_legacy_enum_key_knob_and_numbers_as_numbers_knob() {
    let sandbox = start(SandboxConfig {
        legacy_enum_key: true,
        numeric_values_as_numbers: true,
        ..unlimited(2_000)
    })
    .await;
    let body = get_json(&sandbox, "/api/v4/contacts?limit=250").await;
    let values: Vec<Value> = items(&body, "contacts")
        .iter()
        .flat_map(|c| {
            c["custom_fields_values"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .collect();
    let multitext = values
        .iter()
        .find(|v| v["field_type"] == "multitext")
        .unwrap();
    assert!(multitext["values"][0]["enum"].is_string());
    assert!(multitext["values"][0].get("enum_code").is_none());
    let numeric = values
        .iter()
        .find(|v| v["field_type"] == "numeric")
        .unwrap();
    assert!(numeric["values"][0]["value"].is_number());
}

#[tokio::test]
async fn tasks_have_plural_entity_type_and_result_array_or_object() {
    let sandbox = start(unlimited(5_000)).await;
    let body = get_json(&sandbox, "/api/v4/tasks?limit=250").await;
    let tasks = items(&body, "tasks");
    assert!(
        tasks
            .iter()
            .any(|t| t["result"].is_array() && t["result"].as_array().unwrap().is_empty())
    );
    assert!(tasks.iter().any(|t| t["result"]["text"].is_string()));
    assert!(tasks.iter().any(|t| t["entity_type"] == "leads"));
    assert!(tasks.iter().any(|t| t["entity_type"] == "contacts"));
    assert!(tasks.iter().any(|t| t["entity_type"].is_null()));
    let last = get_json(&sandbox, "/api/v4/tasks?limit=250&order[id]=desc").await;
    assert!(
        items(&last, "tasks")
            .iter()
            .any(|t| t["is_completed"] == false)
    );
}

#[tokio::test]
async fn events_have_string_ids_singular_entity_type_and_status_payloads() {
    let sandbox = start(unlimited(5_000)).await;
    let body = get_json(&sandbox, "/api/v4/events?limit=100").await;
    let events = items(&body, "events");
    assert!(events.iter().all(|e| e["id"].as_str().unwrap().len() == 26));
    assert!(events.iter().any(|e| e["entity_type"] == "lead"));
    let changed = events
        .iter()
        .find(|e| e["type"] == "lead_status_changed")
        .unwrap();
    assert!(changed["value_after"][0]["lead_status"]["pipeline_id"].is_u64());
    let id = events[3]["id"].as_str().unwrap();
    let one = get_json(&sandbox, &format!("/api/v4/events/{id}")).await;
    assert_eq!(one["id"], id);
    let types = get_json(&sandbox, "/api/v4/events/types").await;
    assert!(!items(&types, "events_types").is_empty());
}

#[tokio::test]
async fn links_endpoint_lists_relations_with_total_items() {
    let sandbox = start(unlimited(2_000)).await;
    let account = sandbox.control().account();
    let lead = (0..account.count(EntityKind::Leads))
        .map(|i| account.lead(i))
        .find(|l| l.contacts.len() > 1 && l.company_id.is_some())
        .unwrap();
    let body = get_json(
        &sandbox,
        &format!("/api/v4/leads/links?filter[entity_id][]={}", lead.id),
    )
    .await;
    let links = items(&body, "links");
    assert_eq!(body["_total_items"], links.len());
    assert_eq!(links.len(), lead.contacts.len() + 1);
    assert!(links.iter().any(|l| l["metadata"]["main_contact"] == true));
}

#[tokio::test]
async fn unsorted_leads_are_listed_in_unsorted_and_in_plain_leads() {
    let sandbox = start(unlimited(2_000)).await;
    let account = sandbox.control().account();
    let body = get_json(&sandbox, "/api/v4/leads/unsorted?limit=250").await;
    let unsorted = items(&body, "unsorted");
    assert_eq!(unsorted.len() as u64, account.unsorted_count());
    let item = &unsorted[0];
    let lead = &item["_embedded"]["leads"][0];
    let status = lead["status_id"].as_u64().unwrap();
    let pipeline = account
        .pipelines()
        .iter()
        .find(|p| lead["pipeline_id"] == p.id)
        .unwrap();
    assert!(
        pipeline
            .statuses
            .iter()
            .any(|s| s.id == status && s.kind == StatusKind::Unsorted)
    );
    assert_eq!(
        get(&sandbox, &format!("/api/v4/leads/{}", lead["id"]))
            .await
            .status(),
        200
    );
    let summary = get_json(&sandbox, "/api/v4/leads/unsorted/summary").await;
    assert_eq!(summary["total"], account.unsorted_count());
}
