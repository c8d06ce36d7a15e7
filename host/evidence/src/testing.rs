//! Helpers for tests of the streaming parsers, here and in the fuzz targets
//! (`fuzz/src/lib.rs`). Not part of the API.

use std::io::Read;

/// A reader that hands out at most `max` bytes per read, so that whatever
/// buffers behind it holds no more: a parser then sees its input cut at
/// every `max` bytes, however it buffers.
pub struct Trickle<'a> {
    data: &'a [u8],
    max: usize,
}

impl<'a> Trickle<'a> {
    pub fn new(data: &'a [u8], max: usize) -> Self {
        Trickle { data, max }
    }
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.max.min(buf.len()).min(self.data.len());
        let (head, rest) = self.data.split_at(n);
        if let Some(to) = buf.get_mut(..n) {
            to.copy_from_slice(head);
        }
        self.data = rest;
        Ok(n)
    }
}
