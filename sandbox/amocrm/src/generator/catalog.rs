//! The small fixed catalogues of an account: users, pipelines with their statuses,
//! custom field definitions, loss reasons, user groups and task types.

use super::draw::{Draw, Stream};
use super::records::{EntityKind, FieldDef, FieldEnum, Pipeline, Status, StatusKind, User};
use super::words;

/// Loss reasons: (id, name).
pub const LOSS_REASONS: &[(u64, &str)] = &[
    (90_001, "Дорого"),
    (90_002, "Выбрали конкурента"),
    (90_003, "Нет потребности"),
];

/// User groups: (id, name); 0 is the default group.
pub const USER_GROUPS: &[(u64, &str)] = &[
    (0, "Отдел продаж"),
    (4_001, "Оптовый отдел"),
    (4_002, "Сервис"),
];

/// Task types: (id, name, code); 1 and 2 are built in.
pub const TASK_TYPES: &[(u64, &str, Option<&str>)] = &[
    (1, "Связаться", Some("FOLLOW_UP")),
    (2, "Встреча", Some("MEETING")),
    (3_001, "Отправить КП", None),
];

/// Id of the catalog chained-list values point at.
pub const CATALOG_ID: u64 = 5_001;

/// The users: one admin first, then a mix of active, inactive and deleted users.
pub(crate) fn users(seed: u64, size: u64) -> Vec<User> {
    let count = 12 + size / 25_000;
    (0..count)
        .map(|k| {
            let mut draw = Draw::new(seed, Stream::User, k);
            let name = words::person(&mut draw);
            let domain = if k % 4 == 3 {
                "mail.ru"
            } else {
                "vector-trade.ru"
            };
            let email = format!(
                "{}.{}{}@{domain}",
                words::translit(&name.first),
                words::translit(&name.last),
                k
            );
            User {
                id: 8_000_001 + k,
                name: format!("{} {}", name.first, name.last),
                email,
                lang: if k % 9 == 8 {
                    "en".to_string()
                } else {
                    "ru".to_string()
                },
                is_admin: k == 0 || k % 10 == 4,
                is_active: k == 0 || k % 7 != 5,
                is_free: k % 13 == 12,
                group_id: USER_GROUPS[(k % 3) as usize].0,
                is_deleted: k != 0 && k % 11 == 9,
                exists_on_portal: k == 0 || k % 3 != 2,
            }
        })
        .collect()
}

/// Four pipelines; the last one is archived.
pub(crate) fn pipelines() -> Vec<Pipeline> {
    let plans: [(&str, &[&str]); 4] = [
        (
            "Воронка",
            &[
                "Первичный контакт",
                "Переговоры",
                "Принимают решение",
                "Согласование договора",
            ],
        ),
        (
            "Оптовые продажи",
            &["Новая заявка", "Расчёт стоимости", "Отгрузка"],
        ),
        (
            "Партнёры",
            &["Знакомство", "Пилотный проект", "Подписание контракта"],
        ),
        ("Архив 2019", &["Первичный контакт", "Счёт выставлен"]),
    ];
    let colors = ["#99ccff", "#ffff99", "#ffcc66", "#ccff66", "#87f2c0"];

    plans
        .iter()
        .enumerate()
        .map(|(p, (name, stages))| {
            let id = 7_000_001 + p as u64;
            let base = 70_000_000 + p as u64 * 100;
            let mut statuses = vec![Status {
                id: base + 1,
                name: "Неразобранное".to_string(),
                sort: 10,
                is_editable: false,
                pipeline_id: id,
                color: "#c1c1c1".to_string(),
                kind: StatusKind::Unsorted,
            }];
            for (k, stage) in stages.iter().enumerate() {
                statuses.push(Status {
                    id: base + 10 + k as u64,
                    name: (*stage).to_string(),
                    sort: 20 + 10 * k as u64,
                    is_editable: true,
                    pipeline_id: id,
                    color: colors[k % colors.len()].to_string(),
                    kind: StatusKind::Custom,
                });
            }
            statuses.push(system_status(
                id,
                142,
                "Успешно реализовано",
                10_000,
                StatusKind::Won,
            ));
            statuses.push(system_status(
                id,
                143,
                "Закрыто и не реализовано",
                11_000,
                StatusKind::Lost,
            ));
            Pipeline {
                id,
                name: (*name).to_string(),
                sort: 1 + p as u64,
                is_main: p == 0,
                is_unsorted_on: p != 3,
                is_archive: p == 3,
                statuses,
            }
        })
        .collect()
}

fn system_status(pipeline_id: u64, id: u64, name: &str, sort: u64, kind: StatusKind) -> Status {
    let color = if kind == StatusKind::Won {
        "#CCFF66"
    } else {
        "#D5D8DB"
    };
    Status {
        id,
        name: name.to_string(),
        sort,
        is_editable: false,
        pipeline_id,
        color: color.to_string(),
        kind,
    }
}

/// Field definitions of leads, contacts and companies.
pub(crate) fn field_definitions() -> Vec<FieldDef> {
    let mut defs = Vec::new();
    for kind in [
        EntityKind::Leads,
        EntityKind::Contacts,
        EntityKind::Companies,
    ] {
        let base = 600_000 + kind as u64 * 1_000;
        let mut next = 0;
        let mut add = |name: &str, code: Option<&str>, field_type: &str, enums: Option<&[&str]>| {
            next += 1;
            let id = base + next;
            defs.push(FieldDef {
                id,
                name: name.to_string(),
                code: code.map(str::to_string),
                sort: 10 * next,
                field_type: field_type.to_string(),
                entity: kind,
                enums: enums.map(|labels| {
                    labels
                        .iter()
                        .enumerate()
                        .map(|(k, label)| FieldEnum {
                            id: id * 10 + k as u64 + 1,
                            value: (*label).to_string(),
                            sort: 2 * k as u64 + 2,
                        })
                        .collect()
                }),
                is_predefined: code.is_some(),
                currency: (field_type == "monetary").then(|| "RUB".to_string()),
                required_statuses: Vec::new(),
            });
        };

        if kind != EntityKind::Leads {
            add(
                "Телефон",
                Some("PHONE"),
                "multitext",
                Some(&["WORK", "WORKDD", "MOB", "FAX", "HOME", "OTHER"]),
            );
            add(
                "Email",
                Some("EMAIL"),
                "multitext",
                Some(&["WORK", "PRIV", "OTHER"]),
            );
        }
        if kind == EntityKind::Contacts {
            add("Должность", Some("POSITION"), "text", None);
            add(
                "Согласие на обработку",
                Some("USER_AGREEMENT"),
                "checkbox",
                None,
            );
        }
        if kind == EntityKind::Companies {
            add("Web", Some("WEB"), "url", None);
            add("Адрес", Some("ADDRESS"), "textarea", None);
        }
        add("Источник", None, "text", None);
        add("Бюджет клиента", None, "numeric", None);
        add("Подписан на рассылку", None, "checkbox", None);
        add(
            "Категория",
            None,
            "select",
            Some(&["Розница", "Опт", "Дилер"]),
        );
        add(
            "Интересы",
            None,
            "multiselect",
            Some(&["Оборудование", "Сервис", "Обучение", "Запчасти"]),
        );
        add("Дата договора", None, "date", None);
        add("Страница в соцсети", None, "url", None);
        add("Время встречи", None, "date_time", None);
        add("Комментарий менеджера", None, "textarea", None);
        add(
            "Тип клиента",
            None,
            "radiobutton",
            Some(&["Новый", "Постоянный"]),
        );
        add("Адрес доставки", None, "streetaddress", None);
        add("Юридический адрес", None, "smart_address", None);
        add("День рождения", None, "birthday", None);
        add("Реквизиты", None, "legal_entity", None);
        add("Сумма контракта", None, "monetary", None);
        add("Скан договора", None, "file", None);
        if kind == EntityKind::Leads {
            add("utm_source", None, "tracking_data", None);
            add("Товар", None, "chained_list", None);
        }
    }

    if let Some(field) = defs
        .iter_mut()
        .find(|field| field.entity == EntityKind::Leads && field.field_type == "date")
    {
        field.required_statuses = vec![(7_000_001, 142)];
    }
    defs
}
