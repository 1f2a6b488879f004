//! Batches against the Bitrix24 simulator: a mix of good and bad commands whose outcomes map
//! back to the caller's records, references between commands, and list paging.

mod support;

use futures::TryStreamExt;
use migrator_bitrix24::{
    Batch, ClientConfig, CommandOutcome, CrmEntity, Origin, methods::crm::ContactFields,
    methods::crm::add_params, result_ref,
};
use migrator_sandbox_bitrix24::SandboxConfig;
use serde_json::{Value, json};
use support::sandbox::{sandbox, webhook_client};

#[tokio::test]
async fn a_mixed_batch_maps_every_error_to_its_own_record() {
    let portal = sandbox(SandboxConfig::default()).await;
    let (client, _clock) = webhook_client(&portal, ClientConfig::default());

    let named = ContactFields {
        name: Some("Ann".into()),
        company_ids: vec![],
        origin: Origin {
            originator_id: "amocrm".into(),
            origin_id: "c-1".into(),
        },
        ..ContactFields::default()
    };
    let nameless = ContactFields {
        post: Some("Nobody".into()),
        ..ContactFields::default()
    };
    let mut batch = Batch::new();
    batch
        .push(
            "company",
            "crm.company.add",
            json!({"fields": {"TITLE": "Acme & Co"}}),
        )
        .unwrap();
    batch
        .push(
            "nameless",
            "crm.contact.add",
            add_params(CrmEntity::Contact, &nameless).unwrap(),
        )
        .unwrap();
    batch
        .push("ghost", "crm.deal.get", json!({"id": 999_999}))
        .unwrap();
    let mut linked = add_params(CrmEntity::Contact, &named).unwrap();
    linked["fields"]["COMPANY_ID"] = json!(result_ref("company", &[]));
    batch.push("ann", "crm.contact.add", linked).unwrap();

    let outcome = client.batch(&batch).await.unwrap();

    assert_eq!(outcome.failed().collect::<Vec<_>>(), ["nameless", "ghost"]);
    assert_eq!(outcome.succeeded().collect::<Vec<_>>(), ["company", "ann"]);
    let company_id = outcome.result("company").and_then(Value::as_u64).unwrap();
    let ann_id = outcome.result("ann").and_then(Value::as_u64).unwrap();
    let ghost = outcome.failure("ghost").unwrap();
    assert!(ghost.to_string().contains("crm.deal.get"), "{ghost}");
    assert!(matches!(
        outcome.outcome("nameless"),
        CommandOutcome::Failed(_)
    ));

    let ann = client
        .crm_get(CrmEntity::Contact, ann_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ann.fields["COMPANY_ID"], json!(company_id.to_string()));
    assert_eq!(ann.origin_id.as_deref(), Some("c-1"));
}

#[tokio::test]
async fn a_halting_batch_reports_the_commands_it_did_not_run() {
    let portal = sandbox(SandboxConfig::default()).await;
    let (client, _clock) = webhook_client(&portal, ClientConfig::default());

    let mut batch = Batch::new().halt_on_error(true);
    batch
        .push("bad", "crm.deal.get", json!({"id": 999_999}))
        .unwrap();
    batch
        .push(
            "later",
            "crm.company.add",
            json!({"fields": {"TITLE": "B"}}),
        )
        .unwrap();
    let outcome = client.batch(&batch).await.unwrap();

    assert!(outcome.error("bad").is_some());
    assert_eq!(outcome.not_run().collect::<Vec<_>>(), ["later"]);
    let companies = client
        .list_all("crm.company.list", json!({}))
        .await
        .unwrap();
    assert!(companies.is_empty());
}

#[tokio::test]
async fn lists_page_through_every_row_and_origin_look_ups_find_records() {
    let portal = sandbox(SandboxConfig::default()).await;
    let (client, _clock) = webhook_client(&portal, ClientConfig::default());

    for chunk in 0..3 {
        let mut batch = Batch::new();
        for index in 0..40 {
            let number = chunk * 40 + index;
            let fields = json!({"fields": {"TITLE": format!("Company {number}"),
                "ORIGINATOR_ID": "amocrm", "ORIGIN_ID": format!("{number}")}});
            batch
                .push(format!("c{index}"), "crm.company.add", fields)
                .unwrap();
        }
        let outcome = client.batch(&batch).await.unwrap();
        assert_eq!(outcome.failed().count(), 0);
    }

    let pages: Vec<_> = client
        .list_pages("crm.company.list", json!({"select": ["ID", "TITLE"]}))
        .try_collect()
        .await
        .unwrap();
    let origins = ["7".to_owned(), "119".to_owned(), "missing".to_owned()];
    let found = client
        .find_by_origins(CrmEntity::Company, "amocrm", &origins)
        .await
        .unwrap();
    let one = Origin {
        originator_id: "amocrm".into(),
        origin_id: "42".into(),
    };
    let single = client
        .find_by_origin(CrmEntity::Company, &one)
        .await
        .unwrap();

    assert_eq!(pages.len(), 3);
    assert_eq!(pages.iter().map(|page| page.rows.len()).sum::<usize>(), 120);
    assert_eq!(pages[0].total, Some(120));
    assert!(pages[2].next.is_none());
    assert_eq!(found.len(), 2);
    assert!(found.contains_key("7") && found.contains_key("119"));
    let single = client
        .crm_get(CrmEntity::Company, single.unwrap().id)
        .await
        .unwrap();
    assert_eq!(single.unwrap().fields["TITLE"], "Company 42");
}
