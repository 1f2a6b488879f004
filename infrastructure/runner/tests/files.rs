//! Files (B4, D7, E5) against both simulators, on both stores: with files chosen, a file
//! note's file and a call's recording land on the portal's Drive inside their activity, and
//! file custom fields of companies, contacts and deals carry their files (a recording arrives
//! byte for byte); a rollback deletes those files with the rest; with
//! files switched off, nothing is uploaded and the activity says files were off.

// Not every helper of the shared support module is used here.
#[allow(dead_code)]
mod support;

use std::collections::BTreeMap;

use base64::Engine as _;
use futures::TryStreamExt;
use migrator_amocrm::{AccountAddress, AmoClient, ClientConfig};
use migrator_domain::{Entity, Settings};
use migrator_runner::Stop;
use migrator_tests::{Kind, on_both_stores};
use secrecy::SecretString;
use serde_json::Value;
use support::{World, text};

const ALL: [Entity; 7] = Entity::ALL;

/// The portal's Drive files by id: (name, size).
fn drive_files(world: &World) -> BTreeMap<u64, (String, u64)> {
    world
        .portal("files")
        .iter()
        .map(|file| {
            let id = file["id"].as_u64().expect("a file id");
            let size = file["size"].as_u64().unwrap_or_default();
            (id, (text(file, "name"), size))
        })
        .collect()
}

/// The ids of the Drive files an activity lists.
fn activity_file_ids(activity: &Value) -> Vec<u64> {
    activity["FILES"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|file| file["id"].as_u64())
        .collect()
}

fn request_with_files(world: &World, files: bool) -> migrator_runner::RunRequest {
    let mut request = world.request(&ALL);
    request.settings = Settings::new(ALL, None, files, BTreeMap::new())
        .expect("settings")
        .0;
    request
}

on_both_stores!(b4_d7_chosen_files_land_on_the_portal_drive_and_a_rollback_deletes_them);
async fn b4_d7_chosen_files_land_on_the_portal_drive_and_a_rollback_deletes_them(kind: Kind) {
    let world = World::with_amo_rate(kind, 200, 50).await;
    let runner = world.runner().await;
    let request = request_with_files(&world, true);
    let id = request.migration_id;

    let stop = runner.start(request).await.expect("the run completes");

    assert_eq!(stop, Stop::Finished);
    let drive = drive_files(&world);
    let activities = world.portal("activities");
    let attachments: Vec<&Value> = activities
        .iter()
        .filter(|activity| text(activity, "SUBJECT").starts_with("Файл:"))
        .collect();
    assert!(!attachments.is_empty(), "the account has file notes");
    let mut uploaded = 0;
    for activity in &attachments {
        let subject = text(activity, "SUBJECT");
        let name = subject.trim_start_matches("Файл:").trim();
        let ids = activity_file_ids(activity);
        if ids.is_empty() {
            let description = text(activity, "DESCRIPTION");
            assert!(
                description.contains("не перенесён"),
                "an attachment without its file says why: {description}"
            );
            continue;
        }
        for file in ids {
            let (stored, size) = drive.get(&file).expect("the listed file is on the Drive");
            assert_eq!(stored, name, "the file keeps its amoCRM name");
            assert!(*size > 0, "{name} arrived empty");
            uploaded += 1;
        }
    }
    assert!(uploaded > 0, "no attachment reached the portal");
    let recordings = activities
        .iter()
        .filter(|activity| text(activity, "TYPE_ID") == "2")
        .filter(|activity| !activity_file_ids(activity).is_empty())
        .count();
    assert!(recordings > 0, "no call recording reached the portal");
    assert_recordings_arrive_byte_for_byte(&world, &activities).await;
    let field_files: Vec<u64> = ["companies", "contacts", "deals"]
        .iter()
        .flat_map(|key| world.portal(key))
        .flat_map(|record| {
            let record = record.as_object().cloned().unwrap_or_default();
            record
                .into_iter()
                .filter(|(key, _)| key.starts_with("UF_CRM_"))
                .flat_map(|(_, value)| match value {
                    Value::Array(items) => items,
                    one => vec![one],
                })
                .filter_map(|value| value.get("downloadUrl").and(value["id"].as_u64()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(
        !field_files.is_empty(),
        "no file custom field reached the portal"
    );
    for file in &field_files {
        assert!(drive.contains_key(file), "field file {file} is not stored");
    }
    let summary = runner.summary(id).await.expect("summary");
    assert!(summary.entities["events"].balanced, "{summary:?}");

    runner.rollback(id).await.expect("the rollback completes");

    assert!(
        world.portal("activities").is_empty(),
        "activities stay after the rollback"
    );
    assert!(
        world.portal("files").is_empty(),
        "the rollback left {} files on the portal's Drive",
        world.portal("files").len()
    );
}

/// Each call recording on the portal holds exactly the bytes amoCRM serves at the link the
/// call's description keeps.
async fn assert_recordings_arrive_byte_for_byte(world: &World, activities: &[Value]) {
    let address = AccountAddress::from_base_url(&world.amo.url()).expect("address");
    let token = SecretString::from(world.amo.access_token());
    let config = ClientConfig {
        requests_per_second: 50,
        ..ClientConfig::default()
    };
    let amo = AmoClient::with_long_lived_token(address, token, config).expect("amoCRM client");
    let contents: BTreeMap<u64, Vec<u8>> = world
        .portal("files")
        .iter()
        .map(|file| {
            let id = file["id"].as_u64().expect("a file id");
            let text = file["content"].as_str().unwrap_or_default();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(text)
                .expect("Base64 content");
            (id, bytes)
        })
        .collect();

    let mut compared = 0;
    for call in activities.iter().filter(|a| text(a, "TYPE_ID") == "2") {
        let [file] = activity_file_ids(call)[..] else {
            continue;
        };
        let description = text(call, "DESCRIPTION");
        let link = description
            .lines()
            .find_map(|line| line.strip_prefix("Запись: "))
            .expect("a call with a recording keeps its link");
        let download = amo.download_anywhere(link).await.expect("the recording");
        let original: Vec<u8> = download
            .chunks
            .try_concat()
            .await
            .expect("the recording's bytes");

        assert_eq!(
            contents[&file], original,
            "the recording at {link} changed on its way"
        );
        compared += 1;
    }
    assert!(compared > 0, "no recording was compared");
}

on_both_stores!(b4_with_files_off_nothing_is_uploaded_and_the_activity_says_so);
async fn b4_with_files_off_nothing_is_uploaded_and_the_activity_says_so(kind: Kind) {
    let world = World::with_amo_rate(kind, 200, 50).await;
    let runner = world.runner().await;
    let request = request_with_files(&world, false);

    let stop = runner.start(request).await.expect("the run completes");

    assert_eq!(stop, Stop::Finished);
    assert!(world.portal("files").is_empty(), "files were switched off");
    let said = world
        .portal("activities")
        .iter()
        .filter(|activity| text(activity, "SUBJECT").starts_with("Файл:"))
        .filter(|activity| text(activity, "DESCRIPTION").contains("перенос файлов был выключен"))
        .count();
    assert!(said > 0, "file activities say files were switched off");
}
