//! The typed helpers against the Bitrix24 simulator: plan detection, users, CRM records and
//! bindings, pipelines and stages, user fields, activities, timeline comments, tasks, Drive.

mod support;

use futures::TryStreamExt;
use migrator_bitrix24::methods::activities::{ActivityType, Communication, NewActivity};
use migrator_bitrix24::methods::crm::{CompanyFields, ContactFields, DealFields, Multifield};
use migrator_bitrix24::methods::files::FileContent;
use migrator_bitrix24::methods::pipelines::{NewStage, stage_entity_id};
use migrator_bitrix24::methods::tasks::TaskFields;
use migrator_bitrix24::methods::userfields::NewUserField;
use migrator_bitrix24::methods::users::{InviteOutcome, NewUser};
use migrator_bitrix24::{ClientConfig, CrmEntity, Origin, ShaperConfig};
use migrator_sandbox_bitrix24::{SandboxConfig, UserKind};
use serde_json::json;
use support::sandbox::{app_client, installed_store_for, sandbox, webhook_client};

fn origin(id: &str) -> Origin {
    Origin {
        originator_id: "amocrm".into(),
        origin_id: id.into(),
    }
}

#[tokio::test]
async fn the_plan_read_from_app_info_sets_the_shaper() {
    let enterprise = sandbox(SandboxConfig {
        plan: "ru_ent250".into(),
        ..SandboxConfig::default()
    })
    .await;
    let standard = sandbox(SandboxConfig::default()).await;
    let (big, _clock) = webhook_client(&enterprise, ClientConfig::default());
    let (small, _clock) = webhook_client(&standard, ClientConfig::default());

    let info = big.adopt_plan().await.unwrap();
    small.adopt_plan().await.unwrap();

    assert_eq!(info.plan(), Some("ent250"));
    assert_eq!(big.shaper().config(), ShaperConfig::enterprise());
    assert_eq!(small.shaper().config(), ShaperConfig::standard());
    assert_eq!(big.profile().await.unwrap().id, 1);
    big.server_time().await.unwrap();
}

#[tokio::test]
async fn users_are_found_by_email_and_invitations_report_refusals() {
    let portal = sandbox(SandboxConfig::default()).await;
    let control = portal.control();
    control.add_user(migrator_sandbox_bitrix24::NewUser::employee(
        "ann@example.com",
        "Ann",
        "Lee",
    ));
    let integrator = control.add_user(migrator_sandbox_bitrix24::NewUser {
        admin: true,
        kind: UserKind::Integrator,
        ..migrator_sandbox_bitrix24::NewUser::employee("partner@example.com", "Pat", "Ner")
    });
    let (admin, _clock) = webhook_client(&portal, ClientConfig::default());
    let (partner, _clock) = app_client(&portal, installed_store_for(&portal, integrator)).await;

    let ann = admin.find_user_by_email("ANN@example.com").await.unwrap();
    let hidden = admin
        .find_user_by_email("partner@example.com")
        .await
        .unwrap();
    let invite = NewUser {
        email: "bob@example.com".into(),
        name: Some("Bob".into()),
        departments: vec![1],
        ..NewUser::default()
    };
    let first = admin.invite_user(&invite).await.unwrap();
    let again = admin.invite_user(&invite).await.unwrap();
    let refused = partner
        .invite_user(&NewUser {
            email: "carl@example.com".into(),
            ..invite.clone()
        })
        .await
        .unwrap();

    assert_eq!(ann.unwrap().name.as_deref(), Some("Ann"));
    assert!(hidden.is_none(), "integrators must stay invisible");
    let InviteOutcome::Invited(bob) = first else {
        panic!("expected an invitation, got {first:?}");
    };
    assert_eq!(
        admin
            .find_user_by_email("bob@example.com")
            .await
            .unwrap()
            .unwrap()
            .id,
        bob
    );
    assert!(
        matches!(again, InviteOutcome::AlreadyExists(_)),
        "{again:?}"
    );
    assert!(
        matches!(refused, InviteOutcome::NotAllowed(_)),
        "{refused:?}"
    );
}

#[tokio::test]
async fn crm_records_are_created_bound_found_and_deleted() {
    let portal = sandbox(SandboxConfig::default()).await;
    let (client, _clock) = webhook_client(&portal, ClientConfig::default());

    let company = CompanyFields {
        title: "Acme".into(),
        phone: vec![Multifield::new("+7 999 000-00-00", "WORK")],
        origin: origin("co-1"),
        ..CompanyFields::default()
    };
    let contact = ContactFields {
        last_name: Some("Lee".into()),
        email: vec![Multifield::new("lee@example.com", "WORK")],
        origin: origin("c-1"),
        ..ContactFields::default()
    };
    let company_id = client.crm_add(CrmEntity::Company, &company).await.unwrap();
    let contact_id = client.crm_add(CrmEntity::Contact, &contact).await.unwrap();
    let deal = DealFields {
        title: "Big deal".into(),
        opportunity: Some(1500.5),
        currency_id: Some("RUB".into()),
        company_id: Some(company_id),
        begindate: Some("2024-05-01".into()),
        origin: origin("d-1"),
        ..DealFields::default()
    };
    let deal_id = client.crm_add(CrmEntity::Deal, &deal).await.unwrap();

    let linked = client
        .bind_company_contact(company_id, contact_id)
        .await
        .unwrap();
    let linked_again = client
        .bind_company_contact(company_id, contact_id)
        .await
        .unwrap();
    let deal_linked = client.bind_deal_contact(deal_id, contact_id).await.unwrap();
    let found = client
        .find_by_origin(CrmEntity::Deal, &origin("d-1"))
        .await
        .unwrap();
    let read = client
        .crm_get(CrmEntity::Deal, deal_id)
        .await
        .unwrap()
        .unwrap();
    let listed: Vec<_> = client
        .crm_list(
            CrmEntity::Contact,
            json!({"LAST_NAME": "Lee"}),
            &["LAST_NAME", "EMAIL"],
        )
        .try_collect()
        .await
        .unwrap();

    assert!(linked && !linked_again && deal_linked);
    assert_eq!(found.unwrap().id, deal_id);
    assert_eq!(
        read.fields["OPPORTUNITY"]
            .as_str()
            .map(|v| v.parse::<f64>()),
        Some(Ok(1500.5))
    );
    assert!(
        read.fields["BEGINDATE"]
            .as_str()
            .unwrap()
            .starts_with("2024-05-01")
    );
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].fields["EMAIL"][0]["VALUE"], "lee@example.com");

    client.crm_delete(CrmEntity::Deal, deal_id).await.unwrap();
    client.crm_delete(CrmEntity::Deal, deal_id).await.unwrap();
    assert!(
        client
            .crm_get(CrmEntity::Deal, deal_id)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn pipelines_and_stages_are_created_listed_and_removed() {
    let portal = sandbox(SandboxConfig::default()).await;
    let (client, _clock) = webhook_client(&portal, ClientConfig::default());

    let category = client.add_deal_category("B2B", 200).await.unwrap();
    let categories = client.list_deal_categories().await.unwrap();
    let directory = stage_entity_id(category.id);
    let defaults = client.list_stages(&directory).await.unwrap();
    let stage = NewStage {
        entity_id: directory.clone(),
        status_id: "TALKS".into(),
        name: "Talks".into(),
        sort: 15,
        color: None,
        semantics: None,
    };
    let stage_id = client.add_stage(&stage).await.unwrap();
    let with_new = client.list_stages(&directory).await.unwrap();

    assert_eq!(category.name, "B2B");
    assert!(categories.iter().any(|c| c.id == 0 && c.is_default));
    assert!(categories.iter().any(|c| c.id == category.id));
    assert!(
        defaults
            .iter()
            .any(|s| s.status_id == format!("C{}:NEW", category.id))
    );
    let added = with_new.iter().find(|s| s.id == stage_id).unwrap();
    assert_eq!(added.status_id, format!("C{}:TALKS", category.id));

    client.delete_stage(stage_id, false).await.unwrap();
    client.delete_deal_category(category.id).await.unwrap();
    let left = client.list_deal_categories().await.unwrap();
    assert!(!left.iter().any(|c| c.id == category.id));
}

#[tokio::test]
async fn mandatory_user_fields_are_reported() {
    let portal = sandbox(SandboxConfig::default()).await;
    let (client, _clock) = webhook_client(&portal, ClientConfig::default());

    let required = NewUserField {
        field_name: "SIZE".into(),
        user_type_id: "enumeration".into(),
        label: "Size".into(),
        multiple: "N".into(),
        mandatory: "Y".into(),
        list: vec![
            json!({"VALUE": "Big", "SORT": 10}),
            json!({"VALUE": "Small", "SORT": 20}),
        ],
    };
    let optional = NewUserField {
        field_name: "NOTE".into(),
        user_type_id: "string".into(),
        label: "Note".into(),
        multiple: "N".into(),
        mandatory: "N".into(),
        list: vec![],
    };
    let size = client
        .add_user_field(CrmEntity::Deal, &required)
        .await
        .unwrap();
    client
        .add_user_field(CrmEntity::Deal, &optional)
        .await
        .unwrap();

    let mandatory = client.mandatory_user_fields(CrmEntity::Deal).await.unwrap();
    let on_contacts = client
        .mandatory_user_fields(CrmEntity::Contact)
        .await
        .unwrap();

    assert_eq!(mandatory.len(), 1);
    assert_eq!(mandatory[0].field_name, "UF_CRM_SIZE");
    assert_eq!(mandatory[0].list.len(), 2);
    assert!(on_contacts.is_empty());

    client
        .delete_user_field(CrmEntity::Deal, size)
        .await
        .unwrap();
    assert!(
        client
            .mandatory_user_fields(CrmEntity::Deal)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn activities_comments_tasks_and_files_are_created_and_removed() {
    let portal = sandbox(SandboxConfig::default()).await;
    let store = support::sandbox::installed_store(&portal);
    let (client, _clock) = app_client(&portal, store).await;

    let contact = ContactFields {
        name: Some("Ann".into()),
        phone: vec![Multifield::new("+7 900 000-00-01", "MOBILE")],
        ..ContactFields::default()
    };
    let contact_id = client.crm_add(CrmEntity::Contact, &contact).await.unwrap();
    let communication = |value: &str| Communication {
        value: value.into(),
        entity: CrmEntity::Contact,
        entity_id: contact_id,
    };
    let note = NewActivity {
        kind: ActivityType::Meeting,
        owner: CrmEntity::Contact,
        owner_id: contact_id,
        subject: "Note".into(),
        description: "Met at the fair".into(),
        start_time: "2024-05-01T10:00:00+03:00".into(),
        end_time: None,
        completed: true,
        direction: None,
        responsible_id: Some(1),
        communications: vec![communication("Ann")],
        files: vec![FileContent::new("note.txt", b"hello".to_vec())],
        origin: origin("note-1"),
    };
    let call = NewActivity {
        kind: ActivityType::Call,
        subject: "Call".into(),
        direction: Some(1),
        communications: vec![communication("+7 900 000-00-01"), communication("+7 1")],
        files: vec![],
        origin: origin("call-1"),
        ..note.clone()
    };
    let email = NewActivity {
        kind: ActivityType::Email,
        subject: "Offer".into(),
        direction: Some(2),
        communications: vec![communication("ann@example.com")],
        files: vec![],
        origin: origin("mail-1"),
        ..note.clone()
    };
    let note_id = client.add_activity(&note).await.unwrap();
    let call_id = client.add_activity(&call).await.unwrap();
    let email_id = client.add_activity(&email).await.unwrap();
    client.complete_activity(email_id).await.unwrap();
    let found = client
        .find_activity_by_origin(&origin("call-1"))
        .await
        .unwrap();

    let comment_file = FileContent::new("a.txt", b"abc".to_vec());
    let comment = client
        .add_timeline_comment(
            CrmEntity::Contact,
            contact_id,
            "Imported note",
            &[comment_file],
        )
        .await
        .unwrap();

    let task = TaskFields {
        title: "Call back".into(),
        description: Some("Отчёт".into()),
        deadline: Some("2024-06-01T10:00:00+03:00".into()),
        responsible_id: 1,
        crm_bindings: vec![CrmEntity::Contact.binding(contact_id)],
        ..TaskFields::default()
    };
    let task_id = client.add_task(&task).await.unwrap();
    let task_comment = client
        .add_task_comment(task_id, "Done", Some(1))
        .await
        .unwrap();

    let storage = client.app_storage().await.unwrap();
    let root = storage.root_object_id;
    let folder = client.find_or_create_folder(root, "amoCRM").await.unwrap();
    let same = client.find_or_create_folder(root, "amoCRM").await.unwrap();
    let file = FileContent::new("report.txt", b"report".to_vec());
    let uploaded = client.upload_file(folder.id, &file).await.unwrap();

    assert_eq!(folder, same, "the folder was created twice");
    let adds: Vec<_> = portal
        .control()
        .calls()
        .into_iter()
        .filter(|call| call.method == "crm.activity.add")
        .collect();
    let sent_mail = &adds[2].params["fields"];
    assert_eq!(sent_mail["TYPE_ID"], json!(4));
    assert_eq!(
        sent_mail["COMPLETED"], "N",
        "an outgoing e-mail added as completed is sent"
    );
    assert_eq!(adds[0].params["fields"]["COMPLETED"], "Y");
    assert_eq!(
        adds[1].params["fields"]["COMMUNICATIONS"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    assert_ne!(note_id, call_id);
    assert_eq!(found, Some(call_id));
    assert!(comment > 0 && task_comment > 0);
    assert_eq!(uploaded.size, Some(6));
    assert_eq!(uploaded.task_attachment(), format!("n{}", uploaded.id));

    client.delete_activity(note_id).await.unwrap();
    client.delete_activity(call_id).await.unwrap();
    client.delete_activity(email_id).await.unwrap();
    client.delete_timeline_comment(comment).await.unwrap();
    client.delete_task(task_id).await.unwrap();
    client.delete_file(uploaded.id).await.unwrap();
    assert_eq!(
        client
            .find_activity_by_origin(&origin("call-1"))
            .await
            .unwrap(),
        None
    );
}
