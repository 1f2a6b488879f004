//! The PHP habits of Bitrix24's JSON (reference §2.2, §2.5) and the batch's per-key
//! outcomes, checked against fixtures written from the reference's shapes.

mod support;

use std::sync::Arc;

use futures::TryStreamExt;
use migrator_bitrix24::methods::users::{InviteOutcome, NewUser};
use migrator_bitrix24::{
    B24Client, B24Error, Batch, CommandOutcome, CrmEntity, ManualClock, Origin, result_ref,
};
use serde_json::{Value, json};
use support::{Reply, Script};

async fn client() -> (B24Client, Arc<Script>) {
    let script = Arc::new(Script::default());
    let base = support::start(script.clone()).await;
    let hook =
        migrator_bitrix24::Webhook::parse(&format!("{base}rest/1/hookcode/")).expect("test set-up");
    let clock = ManualClock::starting_at(chrono::Utc::now());
    let client = B24Client::builder(migrator_bitrix24::Access::Webhook(hook))
        .clock(Arc::new(clock))
        .build()
        .expect("test set-up");
    (client, script)
}

fn decoded_cmd(body: &Value, key: &str) -> Vec<(String, String)> {
    let line = body["cmd"][key].as_str().expect("test set-up");
    let query = line.split_once('?').map_or("", |(_, query)| query);
    url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

#[tokio::test]
async fn batch_outcomes_map_back_to_the_callers_keys() {
    let (client, script) = client().await;
    script.push(Reply::ok(json!({"result": {
        "result": {"c1": 58943, "c3": [{"ID": "101"}]},
        "result_error": {"c2": {"error": "", "error_description": "Not found"}},
        "result_total": {"c3": "120"},
        "result_next": {"c3": 50},
        "result_time": {"c1": {"operating": 1.5, "operating_reset_at": 1_900_000_000}}
    }, "time": {"start": 1.0}})));

    let mut batch = Batch::new();
    batch
        .push(
            "c1",
            "crm.company.add",
            json!({"fields": {"TITLE": "Acme & Co"}}),
        )
        .unwrap();
    batch
        .push(
            "c2",
            "crm.contact.add",
            json!({"fields": {"COMPANY_ID": result_ref("c1", &[])}}),
        )
        .unwrap();
    batch
        .push(
            "c3",
            "crm.deal.list",
            json!({"filter": {">ID": 100}, "select": ["ID"]}),
        )
        .unwrap();
    batch.push("c4", "crm.deal.get", json!({"id": 5})).unwrap();
    let outcome = client.batch(&batch).await.unwrap();

    assert_eq!(outcome.result("c1"), Some(&json!(58943)));
    assert_eq!(outcome.error("c2").unwrap().description, "Not found");
    assert!(
        matches!(outcome.failure("c2"), Some(B24Error::Refused { ref method, .. })
        if method == "crm.contact.add")
    );
    assert_eq!(outcome.total("c3"), Some(120));
    assert_eq!(outcome.next("c3"), Some(50));
    assert_eq!(outcome.outcome("c4"), CommandOutcome::NotRun);
    assert_eq!(outcome.failed().collect::<Vec<_>>(), ["c2"]);
    assert_eq!(outcome.succeeded().collect::<Vec<_>>(), ["c1", "c3"]);
    assert_eq!(client.operating().operating("crm.company.add"), Some(1.5));

    let sent = &script.received()[0];
    assert!(sent.path.ends_with("/batch"));
    assert_eq!(sent.body["halt"], json!(0));
    assert_eq!(
        decoded_cmd(&sent.body, "c1"),
        [("fields[TITLE]".into(), "Acme & Co".into())]
    );
    assert_eq!(
        decoded_cmd(&sent.body, "c2"),
        [("fields[COMPANY_ID]".into(), "$result[c1]".into())]
    );
}

#[tokio::test]
async fn empty_and_list_shaped_php_maps_are_read_as_maps() {
    let (client, script) = client().await;
    script.push(Reply::ok(json!({"result": {
        "result": [7, 8],
        "result_error": [],
        "result_total": [],
        "result_next": [],
        "result_time": []
    }})));

    let mut batch = Batch::new();
    batch
        .push("0", "crm.deal.add", json!({"fields": {"TITLE": "a"}}))
        .unwrap();
    batch
        .push("1", "crm.deal.add", json!({"fields": {"TITLE": "b"}}))
        .unwrap();
    let outcome = client.batch(&batch).await.unwrap();

    assert_eq!(outcome.result("0"), Some(&json!(7)));
    assert_eq!(outcome.result("1"), Some(&json!(8)));
    assert_eq!(outcome.failed().count(), 0);
}

#[test]
fn a_batch_refuses_a_fifty_first_command_and_duplicate_keys() {
    let mut batch = Batch::new();
    for index in 0..50 {
        batch
            .push(format!("k{index}"), "crm.deal.get", json!({"id": index}))
            .unwrap();
    }

    assert!(batch.is_full());
    assert!(batch.push("k50", "crm.deal.get", json!({})).is_err());
    assert!(
        Batch::new()
            .push("a", "x", json!({}))
            .unwrap()
            .push("a", "y", json!({}))
            .is_err()
    );
}

#[tokio::test]
async fn list_pages_follow_next_and_stop_on_the_last_page() {
    let (client, script) = client().await;
    let page = |from: u64, count: u64| -> Vec<Value> {
        (from..from + count)
            .map(|id| json!({"ID": id.to_string()}))
            .collect()
    };
    script.push(Reply::ok(
        json!({"result": page(1, 50), "next": 50, "total": 75}),
    ));
    script.push(Reply::ok(json!({"result": page(51, 25), "total": 75})));

    let rows: Vec<Value> = client
        .list("crm.deal.list", json!({"select": ["ID"]}))
        .try_collect()
        .await
        .unwrap();

    assert_eq!(rows.len(), 75);
    assert_eq!(rows[74]["ID"], "75");
    let starts: Vec<Value> = script
        .received()
        .iter()
        .map(|r| r.body["start"].clone())
        .collect();
    assert_eq!(starts, [json!(0), json!(50)]);
}

#[tokio::test]
async fn records_with_string_ids_and_empty_values_are_read() {
    let (client, script) = client().await;
    script.push(Reply::ok(json!({"result": {
        "ID": "35943", "TITLE": "Deal", "OPPORTUNITY": "3607999.00", "CLOSEDATE": "",
        "ORIGINATOR_ID": "amocrm", "ORIGIN_ID": "777", "COMPANY_ID": null
    }})));
    script.push(Reply::error(400, "", "Not found"));

    let record = client
        .crm_get(CrmEntity::Deal, 35943)
        .await
        .unwrap()
        .unwrap();
    let missing = client.crm_get(CrmEntity::Deal, 1).await.unwrap();

    assert_eq!(record.id, 35943);
    assert_eq!(record.origin_id.as_deref(), Some("777"));
    assert_eq!(record.fields["OPPORTUNITY"], "3607999.00");
    assert!(missing.is_none());
}

#[tokio::test]
async fn origin_look_ups_only_accept_exact_matches() {
    let (client, script) = client().await;
    script.push(Reply::ok(json!({"result": [
        {"ID": "10", "ORIGINATOR_ID": "amocrm", "ORIGIN_ID": "77"},
        {"ID": "11", "ORIGINATOR_ID": "amocrm", "ORIGIN_ID": "7"}
    ], "total": 2})));
    script.push(Reply::ok(json!({"result": {
        "result": {"o0": [{"ID": "11", "ORIGINATOR_ID": "amocrm", "ORIGIN_ID": "7"}], "o1": []},
        "result_error": []
    }})));

    let origin = Origin {
        originator_id: "amocrm".into(),
        origin_id: "7".into(),
    };
    let one = client
        .find_by_origin(CrmEntity::Contact, &origin)
        .await
        .unwrap();
    let many = client
        .find_by_origins(CrmEntity::Contact, "amocrm", &["7".into(), "8".into()])
        .await
        .unwrap();

    assert_eq!(one.unwrap().id, 11);
    assert_eq!(many.into_iter().collect::<Vec<_>>(), [("7".to_owned(), 11)]);
}

#[tokio::test]
async fn pipelines_stages_and_user_fields_are_read_despite_php_types() {
    let (client, script) = client().await;
    script.push(Reply::ok(json!({"result": {"categories": [
        {"id": 5, "name": "B2B", "sort": 200, "entityTypeId": 2, "isDefault": "N"},
        {"id": 0, "name": "General", "sort": 300, "entityTypeId": 2, "isDefault": "Y"}
    ]}, "total": 2})));
    script.push(Reply::ok(json!({"result": [
        {"ID": "41", "ENTITY_ID": "DEAL_STAGE_5", "STATUS_ID": "C5:NEW", "NAME": "New",
         "SORT": "10", "SYSTEM": "Y", "SEMANTICS": null, "CATEGORY_ID": "5"}
    ], "total": 1})));
    script.push(Reply::ok(json!({"result": [
        {"ID": "3", "FIELD_NAME": "UF_CRM_SIZE", "USER_TYPE_ID": "enumeration",
         "MANDATORY": "Y", "MULTIPLE": "N", "LIST": [{"ID": "9", "VALUE": "Big"}]},
        {"ID": "4", "FIELD_NAME": "UF_CRM_NOTE", "USER_TYPE_ID": "string", "MANDATORY": "N"}
    ], "total": 2})));

    let categories = client.list_deal_categories().await.unwrap();
    let stages = client.list_stages("DEAL_STAGE_5").await.unwrap();
    let mandatory = client.mandatory_user_fields(CrmEntity::Deal).await.unwrap();

    assert!(
        categories
            .iter()
            .any(|category| category.id == 0 && category.is_default)
    );
    assert_eq!(stages[0].status_id, "C5:NEW");
    assert!(stages[0].system && stages[0].semantics.is_none());
    assert_eq!(mandatory.len(), 1);
    assert_eq!(mandatory[0].field_name, "UF_CRM_SIZE");
    assert_eq!(mandatory[0].list[0].id, 9);
}

#[tokio::test]
async fn invitations_report_refusals_as_outcomes() {
    let (client, script) = client().await;
    script.push(Reply::ok(json!({"result": [
        {"ID": "5", "ACTIVE": true, "EMAIL": "Ann@Example.com", "NAME": "Ann"}
    ], "total": 1})));
    script.push(Reply::ok(json!({"result": 12})));
    script.push(Reply::error(
        400,
        "ERROR_ARGUMENT",
        "A user with this email already exists",
    ));
    script.push(Reply::error(400, "ERROR_CORE", "access_denied"));
    script.push(Reply::error(400, "ERROR_ARGUMENT", "user_count_exceeded"));

    let found = client.find_user_by_email("ann@example.com").await.unwrap();
    let invite = NewUser {
        email: "bob@example.com".into(),
        departments: vec![1],
        ..NewUser::default()
    };
    let outcomes = [
        client.invite_user(&invite).await.unwrap(),
        client.invite_user(&invite).await.unwrap(),
        client.invite_user(&invite).await.unwrap(),
        client.invite_user(&invite).await.unwrap(),
    ];

    assert_eq!(found.unwrap().id, 5);
    assert_eq!(outcomes[0], InviteOutcome::Invited(12));
    assert!(matches!(outcomes[1], InviteOutcome::AlreadyExists(_)));
    assert!(matches!(outcomes[2], InviteOutcome::NotAllowed(_)));
    assert!(matches!(outcomes[3], InviteOutcome::UserLimitReached(_)));
    assert_eq!(script.received()[1].body["UF_DEPARTMENT"], json!([1]));
}

#[tokio::test]
async fn commands_refused_by_a_passing_fault_are_never_final_refusals() {
    let (client, script) = client().await;
    let error = |code: &str| json!({"error": code, "error_description": "passing"});
    script.push(Reply::ok(json!({"result": {
        "result": {},
        "result_error": {
            "busy": error("QUERY_LIMIT_EXCEEDED"),
            "add": error("INTERNAL_SERVER_ERROR"),
            "list": error("ERROR_UNEXPECTED_ANSWER"),
        }
    }})));

    let mut batch = Batch::new();
    batch
        .push("busy", "crm.company.add", json!({"fields": {"TITLE": "a"}}))
        .unwrap();
    batch
        .push("add", "crm.company.add", json!({"fields": {"TITLE": "b"}}))
        .unwrap();
    batch.push("list", "crm.deal.list", json!({})).unwrap();
    let outcome = client.batch(&batch).await.unwrap();

    let busy = outcome.failure("busy").unwrap();
    assert!(matches!(busy, B24Error::RateLimited { .. }) && busy.is_retryable());
    let add = outcome.failure("add").unwrap();
    assert!(
        matches!(add, B24Error::OutcomeUnknown { ref method, .. } if method == "crm.company.add"),
        "a write that failed on the server may have been applied: {add}"
    );
    let list = outcome.failure("list").unwrap();
    assert!(matches!(list, B24Error::Unavailable { .. }) && list.is_retryable());
}

#[tokio::test]
async fn a_command_blocked_by_its_operating_limit_is_retryable_and_holds_the_method() {
    let (client, script) = client().await;
    script.push(Reply::ok(json!({"result": {
        "result": {"a": 1},
        "result_error": {"b": {"error": "OPERATION_TIME_LIMIT",
            "error_description": "Method is blocked due to operation time limit."}}
    }})));

    let mut batch = Batch::new();
    batch
        .push("a", "crm.company.add", json!({"fields": {"TITLE": "a"}}))
        .unwrap();
    batch.push("b", "crm.deal.list", json!({})).unwrap();
    let outcome = client.batch(&batch).await.unwrap();

    let failure = outcome.failure("b").unwrap();
    assert!(matches!(failure, B24Error::OperatingLimit { .. }) && failure.is_retryable());
    assert!(
        client
            .operating()
            .wait_needed(&["crm.deal.list".to_owned()])
            .is_some()
    );
    assert!(
        client
            .operating()
            .wait_needed(&["crm.company.add".to_owned()])
            .is_none()
    );
}
