//! Drive: the app storage, folders, uploads (inline Base64 or the `uploadUrl` flow), file
//! reads and deletes. Files stored here are what activities, comments and tasks attach.

use base64::Engine;
use serde_json::{Map, Value, json};

use super::{Ctx, Handler, MethodResult, Output, id_param};
use crate::api_error::ApiError;
use crate::auth::Caller;
use crate::php::values::{list_items, param, param_map, scalar_text};
use crate::portal::{DiskFile, DiskFolder};
use crate::world::World;

/// Storage id of the application's storage.
const APP_STORAGE: u64 = 1;

/// Storage id where CRM file fields and attachments land.
const CRM_STORAGE: u64 = 2;

/// Method names served here.
pub const NAMES: [&str; 10] = [
    "disk.storage.getforapp",
    "disk.storage.uploadfile",
    "disk.folder.addsubfolder",
    "disk.folder.get",
    "disk.folder.getchildren",
    "disk.folder.uploadfile",
    "disk.file.get",
    "disk.file.delete",
    "disk.file.markdeleted",
    "disk.folder.deletetree",
];

/// The handler of a Drive method.
pub fn lookup(method: &str) -> Option<Handler> {
    let handler: Handler = match method {
        "disk.storage.getforapp" => storage_for_app,
        "disk.storage.uploadfile" => storage_upload,
        "disk.folder.addsubfolder" => add_subfolder,
        "disk.folder.get" => folder_get,
        "disk.folder.getchildren" => folder_children,
        "disk.folder.uploadfile" => folder_upload,
        "disk.file.get" => file_get,
        "disk.file.delete" | "disk.file.markdeleted" => file_delete,
        "disk.folder.deletetree" => folder_delete,
        _ => return None,
    };
    Some(handler)
}

/// The root folder of a storage, created on first use.
pub fn storage_root(world: &mut World, storage: u64) -> u64 {
    let existing = world
        .portal
        .folders
        .values()
        .find(|f| f.storage_id == storage && f.parent_id.is_none())
        .map(|f| f.id);
    if let Some(id) = existing {
        return id;
    }
    let id = world.next_id("disk_object");
    let name = if storage == APP_STORAGE {
        "Application storage"
    } else {
        "CRM files"
    };
    world.portal.folders.insert(
        id,
        DiskFolder {
            id,
            name: name.to_string(),
            parent_id: None,
            storage_id: storage,
        },
    );
    id
}

/// Decodes `[name, base64]` or `{fileData: [name, base64]}`; `None` when it is neither or
/// the Base64 is empty or invalid.
pub fn decode_file(value: &Value) -> Option<(String, Vec<u8>)> {
    let pair = match value {
        Value::Object(map) if map.contains_key("fileData") => map.get("fileData")?.clone(),
        other => other.clone(),
    };
    let items = list_items(&pair);
    let (name, data) = match items.as_slice() {
        [name, data, ..] => (scalar_text(name).unwrap_or_default(), scalar_text(data)?),
        [data] => (String::new(), scalar_text(data)?),
        _ => return None,
    };
    if data.is_empty() {
        return None;
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .ok()?;
    let name = if name.is_empty() {
        format!("file{}", bytes.len())
    } else {
        name
    };
    Some((name, bytes))
}

/// Stores a file in a folder; returns its Drive object id.
pub fn store_file(world: &mut World, folder: u64, name: &str, bytes: Vec<u8>, user: u64) -> u64 {
    let storage = world
        .portal
        .folders
        .get(&folder)
        .map_or(CRM_STORAGE, |f| f.storage_id);
    let id = world.next_id("disk_object");
    let file_id = world.next_id("b_file") + 100;
    let file = DiskFile {
        id,
        file_id,
        name: name.to_string(),
        parent_id: folder,
        storage_id: storage,
        size: bytes.len(),
        content: bytes,
        created: world.now_iso(),
        created_by: user,
    };
    world.portal.files.insert(id, file);
    id
}

/// Stores a CRM attachment in the CRM files storage.
pub fn store_attachment(world: &mut World, name: &str, bytes: Vec<u8>, user: u64) -> u64 {
    let root = storage_root(world, CRM_STORAGE);
    store_file(world, root, name, bytes, user)
}

/// A file as Drive methods show it.
pub fn file_view(file: &DiskFile, host: &str) -> Value {
    json!({
        "ID": file.id.to_string(),
        "NAME": file.name,
        "CODE": null,
        "STORAGE_ID": file.storage_id.to_string(),
        "TYPE": "file",
        "PARENT_ID": file.parent_id.to_string(),
        "DELETED_TYPE": "0",
        "FILE_ID": file.file_id.to_string(),
        "SIZE": file.size.to_string(),
        "CREATE_TIME": file.created,
        "UPDATE_TIME": file.created,
        "CREATED_BY": file.created_by.to_string(),
        "UPDATED_BY": file.created_by.to_string(),
        "DOWNLOAD_URL": format!("http://{host}/disk/download/{}", file.id),
        "DETAIL_URL": format!("http://{host}/docs/file/{}", file.id),
    })
}

fn folder_view(folder: &DiskFolder) -> Value {
    json!({
        "ID": folder.id.to_string(),
        "NAME": folder.name,
        "STORAGE_ID": folder.storage_id.to_string(),
        "TYPE": "folder",
        "PARENT_ID": folder.parent_id.map(|p| p.to_string()),
        "REAL_OBJECT_ID": folder.id.to_string(),
    })
}

fn not_found(id: u64) -> ApiError {
    ApiError::new(
        400,
        "ERROR_NOT_FOUND",
        format!("Could not find entity with id '{id}'"),
    )
}

fn storage_for_app(world: &mut World, ctx: &Ctx, _params: &Map<String, Value>) -> MethodResult {
    if !matches!(ctx.caller, Caller::App(_)) {
        return Err(ApiError::new(
            403,
            "ACCESS_DENIED",
            "Access denied! Application context required",
        ));
    }
    let root = storage_root(world, APP_STORAGE);
    Ok(Output::of(json!({
        "ID": APP_STORAGE.to_string(),
        "NAME": "Application storage",
        "CODE": null,
        "MODULE_ID": "disk",
        "ENTITY_TYPE": "restapp",
        "ENTITY_ID": world.auth.app.client_id,
        "ROOT_OBJECT_ID": root.to_string(),
    })))
}

fn folder_of(world: &World, params: &Map<String, Value>) -> Result<u64, ApiError> {
    let id = id_param(params, "id")?;
    if world.portal.folders.contains_key(&id) {
        Ok(id)
    } else {
        Err(not_found(id))
    }
}

fn add_subfolder(world: &mut World, _ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let parent = folder_of(world, params)?;
    let data = param_map(params, "data").unwrap_or_default();
    let name = param(&data, "NAME")
        .and_then(scalar_text)
        .unwrap_or_default();
    if name.trim().is_empty() {
        return Err(ApiError::argument("NAME", "Required field NAME is empty"));
    }
    let storage = world
        .portal
        .folders
        .get(&parent)
        .map_or(APP_STORAGE, |f| f.storage_id);
    let id = world.next_id("disk_object");
    let folder = DiskFolder {
        id,
        name,
        parent_id: Some(parent),
        storage_id: storage,
    };
    let view = folder_view(&folder);
    world.portal.folders.insert(id, folder);
    Ok(Output::of(view))
}

fn folder_get(world: &mut World, _ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let id = folder_of(world, params)?;
    Ok(Output::of(
        world
            .portal
            .folders
            .get(&id)
            .map(folder_view)
            .unwrap_or_default(),
    ))
}

fn folder_children(world: &mut World, ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let id = folder_of(world, params)?;
    let mut rows: Vec<Value> = world
        .portal
        .folders
        .values()
        .filter(|f| f.parent_id == Some(id))
        .map(folder_view)
        .collect();
    rows.extend(
        world
            .portal
            .files
            .values()
            .filter(|f| f.parent_id == id)
            .map(|f| file_view(f, &ctx.host)),
    );
    Ok(super::page(rows, params))
}

/// Uploads into `folder`: inline `fileContent`, or hands out an `uploadUrl`.
fn upload_into(
    world: &mut World,
    ctx: &Ctx,
    folder: u64,
    params: &Map<String, Value>,
) -> MethodResult {
    let data = param_map(params, "data").unwrap_or_default();
    let mut name = param(&data, "NAME")
        .and_then(scalar_text)
        .unwrap_or_default();

    let Some(content) = param(params, "fileContent") else {
        let token = world.rng.hex(24);
        world
            .uploads
            .insert(token.clone(), (folder, name, ctx.caller.user_id()));
        return Ok(Output::of(json!({
            "field": "file",
            "uploadUrl": format!("http://{}/disk/upload/{token}", ctx.host),
        })));
    };
    let (file_name, bytes) = decode_file(content)
        .ok_or_else(|| ApiError::argument("fileContent", "Could not decode the file content"))?;
    if name.is_empty() {
        name = file_name;
    }

    let taken = world
        .portal
        .files
        .values()
        .any(|f| f.parent_id == folder && f.name == name);
    if taken {
        let unique = param(params, "generateUniqueName")
            .is_some_and(|v| matches!(scalar_text(v).as_deref(), Some("Y" | "1" | "true")));
        if !unique {
            return Err(ApiError::new(
                400,
                "DISK_OBJ_22000",
                "A file with this name already exists",
            ));
        }
        name = format!("({}) {name}", world.portal.files.len() + 1);
    }

    let id = store_file(world, folder, &name, bytes, ctx.caller.user_id());
    let view = world
        .portal
        .files
        .get(&id)
        .map(|f| file_view(f, &ctx.host))
        .unwrap_or_default();
    Ok(Output::of(view))
}

fn folder_upload(world: &mut World, ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let folder = folder_of(world, params)?;
    upload_into(world, ctx, folder, params)
}

fn storage_upload(world: &mut World, ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let storage = id_param(params, "id")?;
    if storage != APP_STORAGE && storage != CRM_STORAGE {
        return Err(not_found(storage));
    }
    let root = storage_root(world, storage);
    upload_into(world, ctx, root, params)
}

fn file_get(world: &mut World, ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let id = id_param(params, "id")?;
    let file = world.portal.files.get(&id).ok_or_else(|| not_found(id))?;
    Ok(Output::of(file_view(file, &ctx.host)))
}

fn file_delete(world: &mut World, _ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let id = id_param(params, "id")?;
    world
        .portal
        .files
        .remove(&id)
        .ok_or_else(|| not_found(id))?;
    Ok(Output::of(json!(true)))
}

fn folder_delete(world: &mut World, _ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let id = folder_of(world, params)?;
    world.portal.folders.remove(&id);
    world.portal.files.retain(|_, f| f.parent_id != id);
    Ok(Output::of(json!(true)))
}
