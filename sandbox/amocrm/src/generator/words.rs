//! Russian vocabulary the generator composes names, companies, addresses and
//! texts from, plus a transliteration used to build e-mail addresses.

use super::draw::Draw;

pub(crate) const MALE_FIRST: &[&str] = &[
    "Александр",
    "Сергей",
    "Дмитрий",
    "Андрей",
    "Алексей",
    "Максим",
    "Иван",
    "Михаил",
    "Николай",
    "Евгений",
    "Владимир",
    "Павел",
    "Артём",
    "Олег",
    "Юрий",
    "Виктор",
];

pub(crate) const FEMALE_FIRST: &[&str] = &[
    "Елена",
    "Ольга",
    "Наталья",
    "Татьяна",
    "Ирина",
    "Анна",
    "Мария",
    "Светлана",
    "Екатерина",
    "Юлия",
    "Анастасия",
    "Марина",
    "Дарья",
    "Ксения",
    "Людмила",
    "Вера",
];

/// Male surnames; the female form adds «а» to those ending in «ов», «ев» and «ин».
pub(crate) const LAST: &[&str] = &[
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Никитин",
    "Ковальчук",
    "Шевченко",
    "Бондаренко",
    "Ким",
];

pub(crate) const MIDDLE_MALE: &[&str] = &[
    "Александрович",
    "Сергеевич",
    "Иванович",
    "Петрович",
    "Николаевич",
    "Викторович",
];

pub(crate) const MIDDLE_FEMALE: &[&str] = &[
    "Александровна",
    "Сергеевна",
    "Ивановна",
    "Петровна",
    "Николаевна",
    "Викторовна",
];

pub(crate) const COMPANY_FORMS: &[&str] = &["ООО", "АО", "ЗАО", "ПАО", "ИП"];

pub(crate) const COMPANY_WORDS: &[&str] = &[
    "Вектор",
    "Альфа-Строй",
    "ТехноПром",
    "Северный ветер",
    "Уральские самоцветы",
    "Гранит",
    "СтройМонтаж",
    "Восток-Сервис",
    "Медведь",
    "Лазурь",
    "Агрокомплекс",
    "Сибирская логистика",
    "Империя окон",
    "Ромашка",
    "Кедр",
    "ПромСнаб",
    "Волга-Трейд",
    "Эталон",
    "Меридиан",
    "Радуга",
];

pub(crate) const CITIES: &[&str] = &[
    "Москва",
    "Санкт-Петербург",
    "Екатеринбург",
    "Новосибирск",
    "Казань",
    "Нижний Новгород",
    "Самара",
    "Ростов-на-Дону",
    "Уфа",
    "Краснодар",
    "Пермь",
    "Воронеж",
];

pub(crate) const REGIONS: &[&str] = &[
    "Московская область",
    "Ленинградская область",
    "Свердловская область",
    "Новосибирская область",
    "Республика Татарстан",
    "Краснодарский край",
];

pub(crate) const STREETS: &[&str] = &[
    "ул. Ленина",
    "ул. Мира",
    "ул. Советская",
    "ул. Гагарина",
    "ул. Пушкина",
    "ул. Садовая",
    "пр-т Победы",
    "ул. Лесная",
    "наб. Фонтанки",
    "ул. Молодёжная",
    "пер. Школьный",
];

pub(crate) const DEAL_NAMES: &[&str] = &[
    "Поставка оборудования",
    "Заказ с сайта",
    "Консультация",
    "Оптовая закупка",
    "Договор на обслуживание",
    "Монтаж вентиляции",
    "Подписка на год",
    "Ремонт офиса",
    "Разработка сайта",
    "Аренда техники",
    "Обучение персонала",
    "Заявка с формы",
];

pub(crate) const POSITIONS: &[&str] = &[
    "Генеральный директор",
    "Менеджер по закупкам",
    "Главный бухгалтер",
    "Инженер",
    "Руководитель отдела продаж",
    "Секретарь",
    "Индивидуальный предприниматель",
];

pub(crate) const TAGS: &[&str] = &[
    "VIP",
    "Сайт",
    "Выставка",
    "Рекомендация",
    "Холодный звонок",
    "Повторный",
    "Опт",
    "Яндекс",
];

pub(crate) const NOTE_TEXTS: &[&str] = &[
    "Клиент просил перезвонить после обеда.",
    "Отправили коммерческое предложение на почту.",
    "Договорились о встрече в офисе в четверг.",
    "Уточнить наличие на складе и сроки доставки.",
    "Клиент сравнивает с конкурентами, нужна скидка 5%.",
    "Счёт оплачен, ждём закрывающие документы.",
];

pub(crate) const TASK_TEXTS: &[&str] = &[
    "Позвонить клиенту",
    "Отправить договор",
    "Подготовить счёт",
    "Провести презентацию",
    "Уточнить реквизиты",
    "Согласовать график поставок",
];

pub(crate) const MAIL_SUBJECTS: &[&str] = &[
    "Коммерческое предложение",
    "Re: Счёт на оплату",
    "Договор поставки",
    "Вопрос по заказу",
    "Fwd: Акт сверки",
];

pub(crate) const FILE_NAMES: &[(&str, &str, &str)] = &[
    ("Договор", "pdf", "application/pdf"),
    (
        "Счёт на оплату",
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("Фото объекта", "jpg", "image/jpeg"),
    (
        "Коммерческое предложение",
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("Прайс-лист", "csv", "text/csv"),
];

/// A person's name as amoCRM splits it.
#[derive(Debug, Clone)]
pub(crate) struct PersonName {
    pub first: String,
    pub last: String,
    pub middle: String,
}

/// Draws a Russian person: first name, surname in the right gender, patronymic.
pub(crate) fn person(draw: &mut Draw) -> PersonName {
    let female = draw.chance(500);
    let last = *draw.pick(LAST);
    let (first, last, middle) = if female {
        let last = if last.ends_with("ов") || last.ends_with("ев") || last.ends_with("ин") {
            format!("{last}а")
        } else {
            last.to_string()
        };
        (*draw.pick(FEMALE_FIRST), last, *draw.pick(MIDDLE_FEMALE))
    } else {
        (
            *draw.pick(MALE_FIRST),
            last.to_string(),
            *draw.pick(MIDDLE_MALE),
        )
    };
    PersonName {
        first: first.to_string(),
        last,
        middle: middle.to_string(),
    }
}

/// A Russian mobile or landline number in one of the spellings people type.
pub(crate) fn phone(draw: &mut Draw) -> String {
    let code = draw.between(900, 999);
    let a = draw.between(100, 999);
    let b = draw.between(10, 99);
    let c = draw.between(10, 99);
    match draw.below(4) {
        0 => format!("+7 ({code}) {a}-{b}-{c}"),
        1 => format!("8{code}{a}{b}{c}"),
        2 => format!("+7{code}{a}{b}{c}"),
        _ => format!("8 (495) {a}-{b}-{c}"),
    }
}

/// A postal address: «г. Город, ул. Улица, д. N, кв. M».
pub(crate) fn address(draw: &mut Draw) -> String {
    let city = draw.pick(CITIES);
    let street = draw.pick(STREETS);
    let house = draw.between(1, 120);
    let flat = draw.between(1, 300);
    format!("г. {city}, {street}, д. {house}, кв. {flat}")
}

/// A company name such as «ООО «Вектор»» or «ИП Иванов И. И.».
pub(crate) fn company(draw: &mut Draw) -> String {
    let form = *draw.pick(COMPANY_FORMS);
    if form == "ИП" {
        let name = person(draw);
        let first = name.first.chars().next().unwrap_or('И');
        let middle = name.middle.chars().next().unwrap_or('И');
        return format!("ИП {} {first}. {middle}.", name.last);
    }
    format!("{form} «{}»", draw.pick(COMPANY_WORDS))
}

/// Latin transliteration of a Russian word, lower-cased, for e-mail local parts.
pub(crate) fn translit(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.to_lowercase().chars() {
        let latin = match ch {
            'а' => "a",
            'б' => "b",
            'в' => "v",
            'г' => "g",
            'д' => "d",
            'е' => "e",
            'ё' => "e",
            'ж' => "zh",
            'з' => "z",
            'и' => "i",
            'й' => "y",
            'к' => "k",
            'л' => "l",
            'м' => "m",
            'н' => "n",
            'о' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' => "u",
            'ф' => "f",
            'х' => "kh",
            'ц' => "ts",
            'ч' => "ch",
            'ш' => "sh",
            'щ' => "sch",
            'ы' => "y",
            'э' => "e",
            'ю' => "yu",
            'я' => "ya",
            'ь' | 'ъ' => "",
            c if c.is_ascii_alphanumeric() => {
                out.push(c);
                continue;
            }
            _ => "",
        };
        out.push_str(latin);
    }
    out
}

/// A long text of roughly `chars` characters built from the note phrases.
pub(crate) fn oversized_text(draw: &mut Draw, chars: usize) -> String {
    let mut text = String::with_capacity(chars * 2);
    let mut count = 0;
    while count < chars {
        let phrase = draw.pick(NOTE_TEXTS);
        text.push_str(phrase);
        text.push(' ');
        count += phrase.chars().count() + 1;
    }
    text
}
