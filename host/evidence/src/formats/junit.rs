//! JUnit XML.

use std::io::BufRead;

use super::ParseContext;
use crate::error::FormatError;
use crate::model::TestCase;

pub fn parse(
    _reader: &mut dyn BufRead,
    _ctx: &mut ParseContext<'_>,
    _out: &mut Vec<TestCase>,
) -> Result<(), FormatError> {
    Err(FormatError::whole_file("JUnit XML is not implemented yet"))
}
