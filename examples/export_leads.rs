//! Pages through getMultipleLeads and streams the leads to stdout as CSV, one page at a time.
//!
//! ```sh
//! cargo run --example export_leads                          # leads updated in the last 7 days
//! cargo run --example export_leads -- --emails a@example.invalid,b@example.invalid
//! cargo run --example export_leads -- --since 2026-11-20T00:00:00Z --batch-size 50
//! cargo run --example export_leads -- --fields FirstName,LastName,Company,LeadScore
//! ```
//!
//! Selection is a LeadKeySelector (`--emails` or `--ids`) or a LastUpdateAtSelector (`--since`,
//! default 7 days ago; the window may not exceed 30 days). Against the embedded emulator, when no
//! `--emails`/`--ids` selection is given, the example first creates 250 leads with
//! syncMultipleLeads, so there is something to page through. Progress goes to stderr.

use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use mktows::{
    ArrayOfAttribute, ArrayOfLeadRecord, ArrayOfString, Attribute, LastUpdateAtSelector,
    LeadKeyRef, LeadKeySelector, LeadRecord, LeadSelector, ParamsGetMultipleLeads,
    ParamsSyncMultipleLeads,
};
use mktows_examples::{Target, args, connect, csv_field, debug_flag, help_flag, usage_error};
use mktows_runtime::{DateTime, Nillable};

const USAGE: &str = "export_leads [--emails A,B | --ids 1,2 | --since DATETIME] \
                     [--batch-size N] [--fields A,B] [--debug]";

/// The parsed command line.
pub struct Args {
    selector: LeadSelector,
    batch_size: i32,
    fields: Vec<String>,
}

/// Parses the arguments after the program name.
pub fn parse_args(list: &[String]) -> Result<Args, String> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
    let mut selector = LeadSelector::LastUpdateAtSelector(LastUpdateAtSelector::new(
        DateTime::from_unix(now - 7 * 86_400, 0),
    ));
    let mut batch_size = 100;
    let mut fields: Vec<String> = ["FirstName", "LastName", "Company", "LeadScore"]
        .map(str::to_owned)
        .to_vec();
    let mut args = list.iter().cloned();
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--debug" | "-h" | "--help" => {}
            "--emails" | "--ids" => {
                let key_type = if arg == "--emails" {
                    LeadKeyRef::Email
                } else {
                    LeadKeyRef::Idnum
                };
                let mut keys = ArrayOfString::new();
                keys.string_item = value()?.split(',').map(|s| s.trim().to_owned()).collect();
                selector = LeadSelector::LeadKeySelector(LeadKeySelector::new(key_type, keys));
            }
            "--since" => {
                let v = value()?;
                let since: DateTime = v
                    .parse()
                    .map_err(|e| format!("--since {v:?}: {e} (e.g. 2026-11-20T00:00:00Z)"))?;
                selector = LeadSelector::LastUpdateAtSelector(LastUpdateAtSelector::new(since));
            }
            "--batch-size" => {
                let v = value()?;
                batch_size = v.parse().map_err(|_| format!("--batch-size {v:?}"))?;
            }
            "--fields" => {
                fields = value()?.split(',').map(|s| s.trim().to_owned()).collect();
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Args {
        selector,
        batch_size,
        fields,
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = args();
    if let Err(e) = parse_args(&args) {
        return usage_error("export_leads", &e, USAGE);
    }
    if help_flag(&args) {
        println!("usage: {USAGE}");
        return ExitCode::SUCCESS;
    }
    let target = match connect(debug_flag(&args)).await {
        Ok(t) => t,
        Err(e) => {
            eprintln!("export_leads: cannot set up the client: {e}");
            return ExitCode::FAILURE;
        }
    };
    let stdout = std::io::stdout();
    match run(&args, &target, &mut stdout.lock()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("export_leads: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Exports the leads `args` select from `target` as CSV into `out`.
pub async fn run(
    args: &[String],
    target: &Target,
    out: &mut dyn std::io::Write,
) -> Result<(), Box<dyn std::error::Error>> {
    let args = parse_args(args)?;
    eprintln!("Target: {}", target.describe());
    let client = &target.client;

    // Demo leads for the LastUpdateAtSelector export only: an explicit key selection exports
    // just the leads it names.
    let keyed = matches!(args.selector, LeadSelector::LeadKeySelector(_));
    if target.emulator.is_some() && !keyed {
        for chunk in 0..5 {
            let mut list = ArrayOfLeadRecord::new();
            for i in 0..50 {
                let n = chunk * 50 + i + 1;
                let mut r = LeadRecord::new();
                r.email = Nillable::Value(format!("export{n}@example.invalid"));
                let mut attrs = ArrayOfAttribute::new();
                attrs.attribute = vec![
                    Attribute::new("FirstName", format!("Export{n}")),
                    Attribute::new("LastName", "Example"),
                    Attribute::new("LeadScore", (n % 100).to_string()),
                ];
                r.lead_attribute_list = Nillable::Value(attrs);
                list.lead_record.push(r);
            }
            client
                .sync_multiple_leads(&ParamsSyncMultipleLeads::new(list))
                .await?;
        }
        eprintln!("Created 250 leads in the emulator");
    }

    let mut header = vec!["Id".to_owned(), "Email".to_owned()];
    header.extend(args.fields.iter().cloned());
    writeln!(
        out,
        "{}",
        header
            .iter()
            .map(|h| csv_field(h))
            .collect::<Vec<_>>()
            .join(",")
    )?;

    let mut include = ArrayOfString::new();
    include.string_item = args.fields.clone();
    let mut params = ParamsGetMultipleLeads::new();
    params.lead_selector = Some(args.selector);
    params.batch_size = Nillable::Value(args.batch_size);
    params.include_attributes = Some(include);
    let mut page = 0;
    let mut total = 0;
    loop {
        let result = client.get_multiple_leads(&params).await?.result;
        page += 1;
        let records = result
            .lead_record_list
            .value()
            .map(|l| l.lead_record.as_slice())
            .unwrap_or_default();
        for r in records {
            let values: BTreeValues = r
                .lead_attribute_list
                .value()
                .map(|l| {
                    l.attribute
                        .iter()
                        .map(|a| (a.attr_name.clone(), a.attr_value.clone()))
                        .collect()
                })
                .unwrap_or_default();
            let mut row = vec![
                r.id.value().map_or_else(String::new, i32::to_string),
                r.email.value().cloned().unwrap_or_default(),
            ];
            row.extend(
                args.fields
                    .iter()
                    .map(|f| values.get(f).cloned().unwrap_or_default()),
            );
            writeln!(
                out,
                "{}",
                row.iter()
                    .map(|v| csv_field(v))
                    .collect::<Vec<_>>()
                    .join(",")
            )?;
        }
        out.flush()?;
        total += records.len();
        eprintln!(
            "page {page}: {} leads, {} remaining",
            result.return_count, result.remaining_count
        );
        // Stop on remainingCount 0 (the documented rule); an empty position also ends the
        // stream. The position is passed back exactly as received.
        if result.remaining_count == 0 || result.new_stream_position.is_empty() {
            break;
        }
        params.stream_position = Nillable::Value(result.new_stream_position);
    }
    eprintln!("Exported {total} leads in {page} pages");
    Ok(())
}

type BTreeValues = std::collections::BTreeMap<String, String>;
