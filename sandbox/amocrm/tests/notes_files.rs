//! Checklist: notes under `/{entity}/notes` and `/{entity}/{id}/notes` with every type —
//! calls with downloadable recordings, drive and legacy attachments with downloadable
//! files, mail notes with a summary only — entity files (204 when none) and the drive host.

mod common;

use common::{get, get_json, items, start, unlimited};
use migrator_sandbox_amocrm::SandboxConfig;
use migrator_sandbox_amocrm::generator::{EntityKind, NoteBody};
use serde_json::Value;

async fn all_lead_notes(sandbox: &migrator_sandbox_amocrm::AmoSandbox) -> Vec<Value> {
    let mut notes = Vec::new();
    for page in 1..=4 {
        let response = get(
            sandbox,
            &format!("/api/v4/leads/notes?limit=250&page={page}"),
        )
        .await;
        if response.status() == 204 {
            break;
        }
        let body: Value = response.json().await.expect("notes JSON");
        notes.extend(items(&body, "notes").iter().cloned());
    }
    notes
}

#[tokio::test]
async fn notes_of_every_type_appear_under_entity_notes() {
    let sandbox = start(unlimited(10_000)).await;
    let notes = all_lead_notes(&sandbox).await;
    for wanted in [
        "common",
        "call_in",
        "call_out",
        "service_message",
        "extended_service_message",
        "message_cashier",
        "geolocation",
        "sms_in",
        "sms_out",
        "attachment",
        "amomail_message",
    ] {
        assert!(
            notes.iter().any(|n| n["note_type"] == wanted),
            "no {wanted} note"
        );
    }
    let mail = notes
        .iter()
        .find(|n| n["note_type"] == "amomail_message")
        .unwrap();
    assert!(mail["params"]["content_summary"].is_string());
    assert!(mail["params"].get("body").is_none() && mail["params"].get("text").is_none());
    let call = notes.iter().find(|n| n["note_type"] == "call_in").unwrap();
    let status = call["params"]["call_status"].as_u64().unwrap();
    assert!((1..=7).contains(&status));
}

#[tokio::test]
async fn call_recording_link_downloads_audio() {
    let sandbox = start(unlimited(5_000)).await;
    let notes = all_lead_notes(&sandbox).await;
    let call = notes
        .iter()
        .find(|n| n["params"]["link"].is_string())
        .unwrap();
    let link = call["params"]["link"].as_str().unwrap();
    assert!(link.starts_with(&sandbox.url()));
    let response = reqwest::Client::new()
        .get(link)
        .bearer_auth(sandbox.access_token())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "audio/mpeg");
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with(b"ID3"));
}

#[tokio::test]
async fn drive_attachment_resolves_on_the_drive_host_and_downloads_exact_bytes() {
    let sandbox = start(unlimited(5_000)).await;
    let notes = all_lead_notes(&sandbox).await;
    let attachment = notes
        .iter()
        .find(|n| n["params"]["is_drive_attachment"] == true)
        .unwrap();
    let uuid = attachment["params"]["file_uuid"].as_str().unwrap();
    let account = get_json(&sandbox, "/api/v4/account?with=drive_url").await;
    let drive = account["drive_url"].as_str().unwrap();
    let client = reqwest::Client::new();
    let file: Value = client
        .get(format!("{drive}/v1.0/files/{uuid}"))
        .bearer_auth(sandbox.access_token())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(file["uuid"], uuid);
    let download = file["_links"]["download"]["href"].as_str().unwrap();
    let bytes = client
        .get(download)
        .bearer_auth(sandbox.access_token())
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(bytes.len() as u64, file["size"].as_u64().unwrap());
    let expected = sandbox.control().account().drive_file(uuid).unwrap();
    assert_eq!(
        bytes.as_ref(),
        sandbox.control().account().file_bytes(&expected).as_slice()
    );

    let anonymous = client.get(download).send().await.unwrap();
    assert_eq!(
        anonymous.status(),
        401,
        "downloads need the token by default"
    );
}

#[tokio::test]
async fn legacy_attachment_downloads_from_the_account_host() {
    let sandbox = start(unlimited(5_000)).await;
    let notes = all_lead_notes(&sandbox).await;
    let legacy = notes
        .iter()
        .find(|n| n["params"]["attachment"].is_string())
        .unwrap();
    let name = legacy["params"]["attachment"].as_str().unwrap();
    let response = get(&sandbox, &format!("/download/{name}")).await;
    assert_eq!(response.status(), 200);
    assert!(response.bytes().await.unwrap().starts_with(b"%PDF"));
}

#[tokio::test]
async fn notes_of_one_record_and_single_note() {
    let sandbox = start(unlimited(3_000)).await;
    let account = sandbox.control().account();
    let index = (0..account.count(EntityKind::Companies))
        .find(|i| account.notes_of(EntityKind::Companies, *i).count() > 0)
        .unwrap();
    let id = account.id_of(EntityKind::Companies, index);
    let body = get_json(&sandbox, &format!("/api/v4/companies/{id}/notes")).await;
    let notes = items(&body, "notes");
    assert!(notes.iter().all(|n| n["entity_id"] == id));
    let note_id = notes[0]["id"].as_u64().unwrap();
    let one = get_json(&sandbox, &format!("/api/v4/companies/notes/{note_id}")).await;
    assert_eq!(one["id"], note_id);
    assert_eq!(
        get(&sandbox, &format!("/api/v4/leads/notes/{note_id}"))
            .await
            .status(),
        204
    );
}

#[tokio::test]
async fn entity_files_list_drive_files_or_answer_204() {
    let sandbox = start(unlimited(5_000)).await;
    let account = sandbox.control().account();
    let with = (0..account.count(EntityKind::Leads))
        .find(|i| !account.entity_files(EntityKind::Leads, *i).is_empty())
        .unwrap();
    let without = (0..account.count(EntityKind::Leads))
        .find(|i| account.entity_files(EntityKind::Leads, *i).is_empty())
        .unwrap();
    let body = get_json(
        &sandbox,
        &format!(
            "/api/v4/leads/{}/files",
            account.id_of(EntityKind::Leads, with)
        ),
    )
    .await;
    let expected: Vec<String> = account
        .entity_files(EntityKind::Leads, with)
        .into_iter()
        .map(|f| f.uuid)
        .collect();
    let got: Vec<String> = items(&body, "files")
        .iter()
        .map(|f| f["file_uuid"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(got, expected);
    let empty = get(
        &sandbox,
        &format!(
            "/api/v4/leads/{}/files",
            account.id_of(EntityKind::Leads, without)
        ),
    )
    .await;
    assert_eq!(empty.status(), 204);
}

#[tokio::test]
async fn oversized_texts_are_served_whole() {
    let sandbox = start(unlimited(20_000)).await;
    let account = sandbox.control().account();
    let big = (0..account.count(EntityKind::Notes))
        .map(|i| account.note(i))
        .find(|note| {
            matches!(&note.body, NoteBody::Common { text } if text.chars().count() >= 70_000)
        })
        .expect("an oversized note exists");
    let path = format!("/api/v4/{}/notes/{}", big.entity.plural(), big.id);
    let body = get_json(&sandbox, &path).await;
    assert!(body["params"]["text"].as_str().unwrap().chars().count() >= 70_000);
}

#[tokio::test]
async fn downloads_can_be_open_without_token_by_knob() {
    let sandbox = start(SandboxConfig {
        downloads_require_auth: false,
        ..unlimited(5_000)
    })
    .await;
    let notes = all_lead_notes(&sandbox).await;
    let legacy = notes
        .iter()
        .find(|n| n["params"]["attachment"].is_string())
        .unwrap();
    let url = format!(
        "{}/download/{}",
        sandbox.url(),
        legacy["params"]["attachment"].as_str().unwrap()
    );
    assert_eq!(reqwest::get(url).await.unwrap().status(), 200);
}

#[tokio::test]
async fn drive_file_list_by_uuid_and_204_when_none() {
    let sandbox = start(unlimited(5_000)).await;
    let account = sandbox.control().account();
    let lead = (0..account.count(EntityKind::Leads))
        .find(|i| !account.entity_files(EntityKind::Leads, *i).is_empty())
        .unwrap();
    let file = account.entity_files(EntityKind::Leads, lead).remove(0);
    let body = get_json(
        &sandbox,
        &format!("/drive/v1.0/files?filter[uuid]={}", file.uuid),
    )
    .await;
    assert_eq!(body["_embedded"]["files"][0]["name"], file.name.as_str());
    let none = get(
        &sandbox,
        "/drive/v1.0/files?filter[uuid]=00000000-0000-4000-8000-000000000000",
    )
    .await;
    assert_eq!(none.status(), 204);
    let missing = get(
        &sandbox,
        "/drive/v1.0/files/00000000-0001-4000-8000-000000000000",
    )
    .await;
    assert_eq!(missing.status(), 204);
}
