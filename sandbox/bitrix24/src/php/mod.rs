//! PHP conventions a Bitrix24 portal follows: `parse_str` form data and `json_encode` quirks.

pub mod form;
pub mod json;
pub mod values;
