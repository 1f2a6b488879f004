//! The e-mail validation rule (D4). Bitrix24 refuses a whole record when one of its e-mails is
//! invalid, so an e-mail that fails this rule is not sent: the record moves without it and its
//! `COMMENTS` get `Некорректный email: <value>`.
//!
//! The rule, after trimming spaces around the value:
//! - at most 254 characters, exactly one `@`, no whitespace or control characters;
//! - the local part (before `@`): 1 to 64 characters of letters, digits and
//!   ``!#$%&'*+/=?^_`{|}~.-``, not starting or ending with a dot, no two dots in a row;
//! - the domain: at least two labels separated by dots; each label 1 to 63 letters, digits or
//!   hyphens, not starting or ending with a hyphen; the last label (the top-level domain) has
//!   at least two characters and no digits only. Letters may be non-Latin (`почта.рф`).

/// The start of the comment line an invalid e-mail leaves on its record.
pub const INVALID_EMAIL_PREFIX: &str = "Некорректный email: ";

/// Whether an e-mail address passes the rule above.
pub fn is_valid_email(value: &str) -> bool {
    let value = value.trim();
    if value.chars().count() > 254 || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }

    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    valid_local_part(local) && valid_domain(domain)
}

/// The comment line for an invalid e-mail.
pub fn invalid_email_comment(value: &str) -> String {
    format!("{INVALID_EMAIL_PREFIX}{}", value.trim())
}

fn valid_local_part(local: &str) -> bool {
    let allowed = |c: char| c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c);
    !local.is_empty()
        && local.chars().count() <= 64
        && local.chars().all(allowed)
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
}

fn valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return false;
    }

    let label_ok = |label: &&str| {
        !label.is_empty()
            && label.chars().count() <= 63
            && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    let top = labels[labels.len() - 1];
    labels.iter().all(label_ok)
        && top.chars().count() >= 2
        && !top.chars().all(|c| c.is_ascii_digit())
}
