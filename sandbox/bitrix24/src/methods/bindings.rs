//! Links between records: company↔contact (`crm.company.contact.*`, `crm.contact.company.*`)
//! and deal↔contact (`crm.deal.contact.*`).

use serde_json::{Map, Value, json};

use super::{Ctx, Handler, MethodResult, Output, id_param};
use crate::api_error::ApiError;
use crate::php::values::{as_i64, is_yes, list_items, param, param_map};
use crate::portal::{Link, Portal};
use crate::world::World;

/// Method names served here.
pub const NAMES: [&str; 15] = [
    "crm.company.contact.add",
    "crm.company.contact.delete",
    "crm.company.contact.items.get",
    "crm.company.contact.items.set",
    "crm.company.contact.items.delete",
    "crm.contact.company.add",
    "crm.contact.company.delete",
    "crm.contact.company.items.get",
    "crm.contact.company.items.set",
    "crm.contact.company.items.delete",
    "crm.deal.contact.add",
    "crm.deal.contact.delete",
    "crm.deal.contact.items.get",
    "crm.deal.contact.items.set",
    "crm.deal.contact.items.delete",
];

/// The handler of a binding method.
pub fn lookup(method: &str) -> Option<Handler> {
    let handler: Handler = handle;
    NAMES.contains(&method).then_some(handler)
}

/// Which link list a method works on, and from which side.
#[derive(Debug, Clone, Copy)]
enum Side {
    /// `crm.company.contact.*`: owner = company, other = contact.
    CompanyContacts,
    /// `crm.contact.company.*`: owner = contact, other = company.
    ContactCompanies,
    /// `crm.deal.contact.*`: owner = deal, other = contact.
    DealContacts,
}

impl Side {
    fn other_key(self) -> &'static str {
        match self {
            Side::ContactCompanies => "COMPANY_ID",
            _ => "CONTACT_ID",
        }
    }

    fn links(self, portal: &mut Portal) -> &mut Vec<Link> {
        match self {
            Side::DealContacts => &mut portal.deal_contacts,
            _ => &mut portal.company_contacts,
        }
    }

    fn owner_exists(self, portal: &Portal, id: u64) -> bool {
        match self {
            Side::CompanyContacts => portal.companies.contains_key(&id),
            Side::ContactCompanies => portal.contacts.contains_key(&id),
            Side::DealContacts => portal.deals.contains_key(&id),
        }
    }

    fn other_exists(self, portal: &Portal, id: u64) -> bool {
        match self {
            Side::ContactCompanies => portal.companies.contains_key(&id),
            _ => portal.contacts.contains_key(&id),
        }
    }

    /// (owner, other) seen from this side.
    fn ends(self, link: &Link) -> (u64, u64) {
        match self {
            Side::ContactCompanies => (link.contact, link.owner),
            _ => (link.owner, link.contact),
        }
    }

    fn make(self, owner: u64, other: u64, sort: i64, primary: bool) -> Link {
        match self {
            Side::ContactCompanies => Link {
                owner: other,
                contact: owner,
                sort,
                primary,
            },
            _ => Link {
                owner,
                contact: other,
                sort,
                primary,
            },
        }
    }
}

/// Handles every binding method.
fn handle(world: &mut World, ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let side = if ctx.method.starts_with("crm.company.") {
        Side::CompanyContacts
    } else if ctx.method.starts_with("crm.contact.") {
        Side::ContactCompanies
    } else {
        Side::DealContacts
    };
    let action = ctx
        .method
        .splitn(4, '.')
        .nth(3)
        .unwrap_or_default()
        .to_string();

    let owner = id_param(params, "id").map_err(|_| {
        ApiError::classic("The parameter 'ownerEntityID' is invalid or not defined.")
    })?;
    if !side.owner_exists(&world.portal, owner) {
        return Err(ApiError::not_found());
    }

    match action.as_str() {
        "add" => add(world, side, owner, params),
        "delete" => delete(world, side, owner, params),
        "items.get" => Ok(Output::of(items(&mut world.portal, side, owner))),
        "items.set" => set(world, side, owner, params),
        _ => {
            side.links(&mut world.portal)
                .retain(|l| side.ends(l).0 != owner);
            Ok(Output::of(json!(true)))
        }
    }
}

fn other_param(side: Side, fields: &Map<String, Value>) -> Result<u64, ApiError> {
    param(fields, side.other_key())
        .and_then(as_i64)
        .filter(|id| *id > 0)
        .map(|id| id as u64)
        .ok_or_else(|| {
            ApiError::classic(format!(
                "The parameter '{}' is invalid or not defined.",
                side.other_key()
            ))
        })
}

fn add(world: &mut World, side: Side, owner: u64, params: &Map<String, Value>) -> MethodResult {
    let fields = param_map(params, "fields")
        .ok_or_else(|| ApiError::classic("The parameter 'fields' must be array."))?;
    let other = other_param(side, &fields)?;
    if !side.other_exists(&world.portal, other) {
        return Err(ApiError::not_found());
    }

    let links = side.links(&mut world.portal);
    let mine: Vec<&Link> = links.iter().filter(|l| side.ends(l).0 == owner).collect();
    if mine.iter().any(|l| side.ends(l).1 == other) {
        return Ok(Output::of(json!(false)));
    }
    let max_sort = mine.iter().map(|l| l.sort).max().unwrap_or(0);
    let first = mine.is_empty();
    let sort = param(&fields, "SORT")
        .and_then(as_i64)
        .unwrap_or(max_sort + 10);
    let primary = first || is_yes(param(&fields, "IS_PRIMARY"));
    if primary {
        for link in links.iter_mut().filter(|l| side.ends(l).0 == owner) {
            link.primary = false;
        }
    }
    links.push(side.make(owner, other, sort, primary));
    Ok(Output::of(json!(true)))
}

fn delete(world: &mut World, side: Side, owner: u64, params: &Map<String, Value>) -> MethodResult {
    let fields = param_map(params, "fields")
        .ok_or_else(|| ApiError::classic("The parameter 'fields' must be array."))?;
    let other = other_param(side, &fields)?;
    let links = side.links(&mut world.portal);
    let before = links.len();
    links.retain(|l| side.ends(l) != (owner, other));
    if links.len() == before {
        return Ok(Output::of(json!(false)));
    }
    let remaining = links.iter_mut().filter(|l| side.ends(l).0 == owner);
    let mut remaining: Vec<&mut Link> = remaining.collect();
    if !remaining.is_empty() && !remaining.iter().any(|l| l.primary) {
        remaining.sort_by_key(|l| l.sort);
        remaining[0].primary = true;
    }
    Ok(Output::of(json!(true)))
}

fn items(portal: &mut Portal, side: Side, owner: u64) -> Value {
    let mut mine: Vec<Link> = side
        .links(portal)
        .iter()
        .filter(|l| side.ends(l).0 == owner)
        .cloned()
        .collect();
    mine.sort_by_key(|l| l.sort);
    let rows = mine
        .iter()
        .map(|l| {
            json!({
                side.other_key(): side.ends(l).1,
                "SORT": l.sort,
                "ROLE_ID": 0,
                "IS_PRIMARY": if l.primary { "Y" } else { "N" },
            })
        })
        .collect();
    Value::Array(rows)
}

fn set(world: &mut World, side: Side, owner: u64, params: &Map<String, Value>) -> MethodResult {
    let wanted = param(params, "items").map(list_items).unwrap_or_default();
    let mut new_links = Vec::new();
    for (index, item) in wanted.iter().enumerate() {
        let Value::Object(item) = item else { continue };
        let other = other_param(side, item)?;
        if !side.other_exists(&world.portal, other) {
            return Err(ApiError::not_found());
        }
        let sort = param(item, "SORT")
            .and_then(as_i64)
            .unwrap_or((index as i64 + 1) * 10);
        new_links.push((other, sort, is_yes(param(item, "IS_PRIMARY"))));
    }
    if !new_links.is_empty() && !new_links.iter().any(|(_, _, primary)| *primary) {
        new_links[0].2 = true;
    }

    let links = side.links(&mut world.portal);
    links.retain(|l| side.ends(l).0 != owner);
    for (other, sort, primary) in new_links {
        links.push(side.make(owner, other, sort, primary));
    }
    Ok(Output::of(json!(true)))
}
