//! Benchmarks of mktows-rs: the data they run on, the bare quick-xml baselines they are
//! compared with, and the helpers the bench binaries share.
//!
//! Everything here is deterministic: the same call always produces the same bytes, so every
//! run (ours, the peers' under `bench/peers/`) measures the same input. Generated data is
//! written under `target/mktows-bench/`, never committed.
//!
//! Run the benchmarks with `cargo bench -p mktows-bench`; see `bench/README.md`.

pub mod baseline;
pub mod call;
pub mod data;
pub mod deep_size;
pub mod report;

use mktows::SuccessGetMultipleLeads;
use mktows_runtime::xml::ReadLimits;

/// Decodes a `getMultipleLeads` response envelope the way the client does: through
/// [`mktows_runtime::soap::read_response`] into [`SuccessGetMultipleLeads`].
///
/// A SOAP fault or a decode error becomes a message (the benchmarks only feed good input).
pub fn decode_leads(bytes: &[u8]) -> Result<SuccessGetMultipleLeads, String> {
    match mktows_runtime::soap::read_response::<SuccessGetMultipleLeads>(
        bytes,
        mktows::operations::GET_MULTIPLE_LEADS.response,
        ReadLimits::default(),
    ) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(fault)) => Err(format!("unexpected fault: {fault}")),
        Err(e) => Err(format!("decode failed: {e}")),
    }
}

/// Number of lead records in a decoded `getMultipleLeads` result (0 when the list is nil or
/// absent).
pub fn lead_count(v: &SuccessGetMultipleLeads) -> usize {
    v.result
        .lead_record_list
        .value()
        .map_or(0, |l| l.lead_record.len())
}

/// Encodes `params` as the `paramsSyncMultipleLeads` body element, the way the generated client
/// does (a writer for a fragment inside an envelope that declares [`mktows::NAMESPACES`]),
/// appending to `buf` (pass a cleared buffer to reuse its allocation).
pub fn encode_sync(
    params: &mktows::ParamsSyncMultipleLeads,
    buf: Vec<u8>,
) -> Result<Vec<u8>, mktows_runtime::xml::EncodeError> {
    let mut w = mktows_runtime::xml::Writer::with_buffer(buf, mktows::NAMESPACES);
    w.required(data::SYNC_ELEMENT, params)?;
    Ok(w.into_bytes())
}
