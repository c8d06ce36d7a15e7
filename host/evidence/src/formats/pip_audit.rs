//! pip-audit JSON.

use std::io::BufRead;

use super::ParseContext;
use crate::error::FormatError;
use crate::model::Vulnerability;

pub fn parse(
    _reader: &mut dyn BufRead,
    _ctx: &mut ParseContext<'_>,
    _out: &mut Vec<Vulnerability>,
) -> Result<(), FormatError> {
    Err(FormatError::whole_file("pip-audit JSON is not implemented yet"))
}
