//! Cobertura XML.

use std::io::BufRead;

use super::ParseContext;
use crate::error::FormatError;
use crate::model::FileCoverage;

pub fn parse(
    _reader: &mut dyn BufRead,
    _ctx: &mut ParseContext<'_>,
    _out: &mut Vec<FileCoverage>,
) -> Result<(), FormatError> {
    Err(FormatError::whole_file("Cobertura XML is not implemented yet"))
}
