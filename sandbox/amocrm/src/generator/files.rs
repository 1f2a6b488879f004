//! Files of the drive host (note attachments and `file` field values), call
//! recordings and legacy attachments: metadata and bytes, all computed on demand.

use super::draw::{Draw, Stream};
use super::records::{DriveFile, EntityKind, NoteBody};
use super::{Account, words};

/// What a drive file is attached to; encoded inside its uuid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileOrigin {
    /// An attachment note.
    Note = 1,
    /// A `file` custom field of a lead.
    Lead = 2,
    /// A `file` custom field of a contact.
    Contact = 3,
    /// A `file` custom field of a company.
    Company = 4,
}

impl FileOrigin {
    fn from_code(code: u64) -> Option<FileOrigin> {
        match code {
            1 => Some(FileOrigin::Note),
            2 => Some(FileOrigin::Lead),
            3 => Some(FileOrigin::Contact),
            4 => Some(FileOrigin::Company),
            _ => None,
        }
    }

    fn kind(self) -> EntityKind {
        match self {
            FileOrigin::Note => EntityKind::Notes,
            FileOrigin::Lead => EntityKind::Leads,
            FileOrigin::Contact => EntityKind::Contacts,
            FileOrigin::Company => EntityKind::Companies,
        }
    }

    /// The origin of a `file` field on records of `kind`.
    pub(crate) fn of_field(kind: EntityKind) -> FileOrigin {
        match kind {
            EntityKind::Contacts => FileOrigin::Contact,
            EntityKind::Companies => FileOrigin::Company,
            _ => FileOrigin::Lead,
        }
    }
}

impl Account {
    /// The drive file of (origin, index): the uuid carries both, so it can be looked up.
    pub(crate) fn file_for(&self, origin: FileOrigin, index: u64) -> DriveFile {
        let mut draw = Draw::new(self.seed, Stream::File, ((origin as u64) << 40) ^ index);
        let (stem, extension, mime) = *draw.pick(words::FILE_NAMES);
        let check = draw.next_u64();
        let uuid = format!(
            "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
            check >> 32,
            origin as u64,
            (check >> 20) & 0xfff,
            (check >> 8) & 0xfff,
            index
        );
        let version = draw.next_u64();
        let version_uuid = format!(
            "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
            version >> 32,
            (version >> 16) & 0xffff,
            (version >> 4) & 0xfff,
            version & 0xfff,
            index
        );
        let size = draw.between(1_000, 300_000) as u64;
        let number = draw.between(1, 999);
        DriveFile {
            uuid,
            version_uuid,
            name: format!("{stem} №{number}.{extension}"),
            size,
            mime_type: mime.to_string(),
            created_at: self.created_at(origin.kind(), index),
            created_by: self.pick_user(&mut draw, 0),
        }
    }

    /// The drive file with this uuid, if the account holds it.
    pub fn drive_file(&self, uuid: &str) -> Option<DriveFile> {
        let parts: Vec<&str> = uuid.split('-').collect();
        if parts.len() != 5 {
            return None;
        }
        let origin = FileOrigin::from_code(u64::from_str_radix(parts[1], 16).ok()?)?;
        let index = u64::from_str_radix(parts[4], 16).ok()?;
        if index >= self.count(origin.kind()) {
            return None;
        }
        let file = self.file_for(origin, index);
        (file.uuid == uuid).then_some(file)
    }

    /// The content of a drive file: exactly `size` bytes starting with the format's magic.
    pub fn file_bytes(&self, file: &DriveFile) -> Vec<u8> {
        let magic: &[u8] = match file.name.rsplit('.').next() {
            Some("pdf") => b"%PDF-1.4\n",
            Some("jpg") => &[0xFF, 0xD8, 0xFF, 0xE0],
            Some("docx") | Some("xlsx") => b"PK\x03\x04",
            _ => "Артикул;Наименование;Цена\n".as_bytes(),
        };
        filled(self.seed, magic, file.size, &file.uuid)
    }

    /// The recording of a call note (an MP3-looking body), if that note has one.
    pub fn recording_bytes(&self, note_id: u64) -> Option<Vec<u8>> {
        let note = self.note(self.index_of(EntityKind::Notes, note_id)?);
        match note.body {
            NoteBody::Call {
                has_recording: true,
                duration,
                ..
            } => {
                let size = (duration.max(1) as u64) * 2_000;
                Some(filled(
                    self.seed,
                    b"ID3\x03\x00",
                    size,
                    &note_id.to_string(),
                ))
            }
            _ => None,
        }
    }

    /// The bytes behind a legacy attachment name (`/download/{attachment}`), if it exists.
    pub fn legacy_attachment_bytes(&self, attachment: &str) -> Option<Vec<u8>> {
        let index: u64 = attachment
            .strip_prefix("legacy_")?
            .split('.')
            .next()?
            .parse()
            .ok()?;
        if index >= self.count(EntityKind::Notes) {
            return None;
        }
        match self.note(index).body {
            NoteBody::LegacyAttachment {
                attachment: name, ..
            } if name == attachment => Some(filled(self.seed, b"%PDF-1.3\n", 4_096, attachment)),
            _ => None,
        }
    }

    /// Files linked to a lead, contact or company: drive attachments of its notes and
    /// the file of its `file` field.
    pub fn entity_files(&self, kind: EntityKind, index: u64) -> Vec<DriveFile> {
        let mut files: Vec<DriveFile> = self
            .notes_of(kind, index)
            .filter_map(|note| match self.note(note).body {
                NoteBody::DriveAttachment { file } => Some(file),
                _ => None,
            })
            .collect();

        let values = match kind {
            EntityKind::Leads => self.lead(index).custom_fields,
            EntityKind::Contacts => self.contact(index).custom_fields,
            EntityKind::Companies => self.company(index).custom_fields,
            _ => Vec::new(),
        };
        if values.iter().any(|value| value.field_type == "file") {
            files.push(self.file_for(FileOrigin::of_field(kind), index));
        }
        files
    }
}

/// `size` bytes: the magic, then a deterministic pseudo-random filling.
fn filled(seed: u64, magic: &[u8], size: u64, salt: &str) -> Vec<u8> {
    let salt = salt.bytes().fold(0u64, |acc, byte| {
        acc.wrapping_mul(31).wrapping_add(byte as u64)
    });
    let mut draw = Draw::new(seed, Stream::File, salt);
    let mut bytes = Vec::with_capacity(size as usize);
    bytes.extend_from_slice(&magic[..magic.len().min(size as usize)]);
    while (bytes.len() as u64) < size {
        let chunk = draw.next_u64().to_le_bytes();
        let room = (size as usize - bytes.len()).min(8);
        bytes.extend_from_slice(&chunk[..room]);
    }
    bytes
}
