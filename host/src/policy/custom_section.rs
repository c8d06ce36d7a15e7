//! Appending a custom section to a WebAssembly component: how regops puts
//! its `regops:metadata` JSON into a gate. The build script includes this
//! file too, so built-in and author-built gates carry it the same way.

/// The custom section's name.
pub const METADATA_SECTION: &str = "regops:metadata";

/// Appends custom section `name` holding `payload` to `component`.
pub fn append(component: &mut Vec<u8>, name: &str, payload: &[u8]) {
    let mut body = Vec::new();
    leb128(&mut body, name.len());
    body.extend_from_slice(name.as_bytes());
    body.extend_from_slice(payload);
    component.push(0); // custom section id
    leb128(component, body.len());
    component.extend_from_slice(&body);
}

fn leb128(out: &mut Vec<u8>, mut n: usize) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}
