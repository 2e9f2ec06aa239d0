"""Interop test: Python zeep against the mktows emulator.

zeep loads the emulator's `<endpoint>?WSDL`; every call carries a signed AuthenticationHeader
through `_soapheaders`. Checks:

1. scheduleCampaign of "Batch Campaign Example" with two My Token overrides → success == true;
2. getLead of a demo lead → the demo dataset's values;
3. getMultipleLeads with a LeadKeySelector (sent with xsi:type) over five demo leads with
   batchSize 3 → exactly two pages whose union is the five leads, no repeats, remainingCount 0;
4. a request signed with a wrong key → zeep Fault with detail code 20014.

Environment: MARKETO_SOAP_ENDPOINT, MARKETO_USER_ID, MARKETO_ENCRYPTION_KEY; INTEROP_TRACE=1
prints every raw request and response. Exit status 0 when every check passes, 1 otherwise.
"""

import datetime
import hashlib
import hmac
import os
import sys

import requests
import zeep
from zeep.exceptions import Fault
from zeep.transports import Transport

NS = "http://www.marketo.com/mktows/"
TRACE = os.environ.get("INTEROP_TRACE") == "1"
# A zone with a half-hour offset: the signature must cover the exact "+05:30" text (case C02).
ZONE = datetime.timezone(datetime.timedelta(hours=5, minutes=30))

# The five demo leads (emulator/data/demo.json): id -> email.
DEMO_LEADS = {
    1001: "lead1@example.invalid",
    1002: "lead2@example.invalid",
    1003: "lead3@example.invalid",
    1004: "lead4@example.invalid",
    1005: "lead5@example.invalid",
}

failures = 0


def env(name):
    value = os.environ.get(name, "")
    if not value:
        print(f"zeep: {name} is not set", file=sys.stderr)
        sys.exit(2)
    return value


def check(ok, what):
    global failures
    if ok:
        print(f"zeep: ok   - {what}")
    else:
        print(f"zeep: FAIL - {what}")
        failures += 1


class RecordingTransport(Transport):
    """Keeps the exact bytes of the last POST and its answer (zeep's HistoryPlugin only has the
    envelope before serialisation)."""

    last = None

    def post(self, address, message, headers):
        response = super().post(address, message, headers)
        self.last = (address, dict(headers), message, response)
        return response


def dump_last(transport, title):
    if transport.last is None:
        print(f"---- {title}: nothing was sent ----")
        return
    address, headers, message, response = transport.last
    body = message.decode("utf-8", "replace") if isinstance(message, bytes) else message
    print(f"---- {title}: RAW request: POST {address} ----")
    for k, v in headers.items():
        print(f"{k}: {v}")
    print()
    print(body)
    print(f"---- {title}: RAW response: HTTP {response.status_code} ----")
    for k, v in response.headers.items():
        print(f"{k}: {v}")
    print()
    print(response.content.decode("utf-8", "replace"))
    print(f"---- end {title} ----")


def timestamp():
    # W3C form with seconds and a numeric offset, e.g. 2026-01-02T03:04:05+05:30.
    return datetime.datetime.now(ZONE).replace(microsecond=0).isoformat()


def main():
    endpoint = env("MARKETO_SOAP_ENDPOINT")
    user_id = env("MARKETO_USER_ID")
    key = env("MARKETO_ENCRYPTION_KEY")
    wsdl = endpoint + "?WSDL"

    session = requests.Session()
    transport = RecordingTransport(session=session, timeout=20, operation_timeout=20)
    try:
        client = zeep.Client(wsdl, transport=transport)
    except Exception as e:  # noqa: BLE001 - report whatever the WSDL load raised
        print(f"zeep: FAIL - load the WSDL from {wsdl}: {type(e).__name__}: {e}")
        return 1
    service = client.service
    auth_element = client.get_element(f"{{{NS}}}AuthenticationHeader")

    def auth(secret=key):
        ts = timestamp()
        signature = hmac.new(
            secret.encode("utf-8"), (ts + user_id).encode("utf-8"), hashlib.sha1
        ).hexdigest()
        return auth_element(
            mktowsUserId=user_id, requestSignature=signature, requestTimestamp=ts
        )

    def call(name, title, **kwargs):
        """Calls an operation; a Fault is reported with the raw exchange and returns None."""
        try:
            result = getattr(service, name)(_soapheaders=[auth()], **kwargs)
        except Fault as f:
            check(False, f"{title}: unexpected Fault {f.code}: {f.message}")
            dump_last(transport, title)
            return None
        except Exception as e:  # noqa: BLE001 - transport or parsing failures are findings too
            check(False, f"{title}: {type(e).__name__}: {e}")
            dump_last(transport, title)
            return None
        if TRACE:
            dump_last(transport, title)
        return result

    # 1. scheduleCampaign: the documentation's campaign with two token overrides.
    run_at = timestamp()
    r = call(
        "scheduleCampaign",
        "scheduleCampaign",
        programName="Trav-Demo-Program",
        campaignName="Batch Campaign Example",
        campaignRunAt=run_at,
        cloneToProgramName="TestProgramCloneFromZeep",
        programTokenList={
            "attrib": [
                {"name": "{{my.message}}", "value": "Updated message"},
                {"name": "{{my.other token}}", "value": "Value for other token"},
            ]
        },
    )
    if r is not None:
        # zeep unwraps a result with a single child: ResultScheduleCampaign is just `success`.
        success = r if isinstance(r, bool) else getattr(r, "success", r)
        check(success is True, f"scheduleCampaign returns success == true (got {success!r})")

    # 2. getLead of demo lead 1001.
    r = call("getLead", "getLead", leadKey={"keyType": "IDNUM", "keyValue": "1001"})
    if r is not None:
        records = r.leadRecordList.leadRecord if r.leadRecordList is not None else []
        check(r.count == 1 and len(records) == 1, f"getLead finds one lead (count {r.count})")
        if records:
            lead = records[0]
            attrs = {a.attrName: a.attrValue for a in (lead.leadAttributeList.attribute if lead.leadAttributeList else [])}
            check(lead.Id == 1001, f"getLead: Id == 1001 (got {lead.Id!r})")
            check(
                lead.Email == "lead1@example.invalid",
                f"getLead: Email == lead1@example.invalid (got {lead.Email!r})",
            )
            check(
                attrs.get("FirstName") == "Avery" and attrs.get("Company") == "Example Widgets",
                f"getLead: FirstName Avery, Company Example Widgets (got {attrs.get('FirstName')!r}, {attrs.get('Company')!r})",
            )

    # 3. getMultipleLeads over two pages. LeadSelector is abstract: the concrete type makes zeep
    # write xsi:type.
    selector_type = client.get_type(f"{{{NS}}}LeadKeySelector")
    selector = selector_type(
        keyType="IDNUM",
        keyValues={"stringItem": [str(i) for i in sorted(DEMO_LEADS, reverse=True)]},
    )
    pages = []
    position = None
    for page_no in (1, 2, 3):
        kwargs = {"leadSelector": selector, "batchSize": 3}
        if position:
            kwargs["streamPosition"] = position
        r = call("getMultipleLeads", f"getMultipleLeads page {page_no}", **kwargs)
        if r is None:
            break
        if page_no == 1:
            sent = transport.last[2]
            sent = sent.decode("utf-8", "replace") if isinstance(sent, bytes) else sent
            check("LeadKeySelector" in sent and "type=" in sent, "getMultipleLeads: zeep sent the selector with xsi:type")
        records = r.leadRecordList.leadRecord if r.leadRecordList is not None else []
        pages.append(([rec.Id for rec in records], r.returnCount, r.remainingCount, {rec.Id: rec.Email for rec in records}))
        position = r.newStreamPosition
        if r.remainingCount == 0:
            break
    if pages:
        summary = "; ".join(f"ids {p[0]} returnCount {p[1]} remainingCount {p[2]}" for p in pages)
        check(len(pages) == 2, f"getMultipleLeads needs exactly two pages ({summary})")
        check(
            all(len(p[0]) == p[1] for p in pages),
            "getMultipleLeads: returnCount equals the records on each page",
        )
        check(pages[-1][2] == 0, "getMultipleLeads: remainingCount reaches 0")
        if len(pages) >= 2:
            check(pages[0][2] == len(pages[1][0]), "getMultipleLeads: page 1's remainingCount is page 2's size")
        all_ids = [i for p in pages for i in p[0]]
        check(len(all_ids) == len(set(all_ids)), f"getMultipleLeads: no lead repeated ({all_ids})")
        check(
            set(all_ids) == set(DEMO_LEADS),
            f"getMultipleLeads: the pages together are leads {sorted(DEMO_LEADS)} (got {sorted(all_ids)})",
        )
        emails = {k: v for p in pages for k, v in p[3].items()}
        check(emails == DEMO_LEADS, "getMultipleLeads: each lead has its demo email")

    # 4. A wrong key: Fault with detail code 20014.
    try:
        service.getLead(
            leadKey={"keyType": "IDNUM", "keyValue": "1001"},
            _soapheaders=[auth(secret=key + "-wrong")],
        )
        check(False, "a wrong encryption key is rejected (the call succeeded)")
        dump_last(transport, "getLead (wrong key)")
    except Fault as f:
        if TRACE:
            dump_last(transport, "getLead (wrong key)")
        code_el = f.detail.find(".//code") if f.detail is not None else None
        code = code_el.text.strip() if code_el is not None and code_el.text else None
        ok = code == "20014"
        check(ok, f"a wrong encryption key gives a Fault with detail code 20014 (got {code!r}; faultcode {f.code}, faultstring {f.message!r})")
        status = transport.last[3].status_code if transport.last else None
        check(status == 500, f"the 20014 fault comes with HTTP 500 (got {status})")
        if not ok:
            dump_last(transport, "getLead (wrong key)")
    except Exception as e:  # noqa: BLE001
        check(False, f"a wrong encryption key: expected a zeep Fault, got {type(e).__name__}: {e}")
        dump_last(transport, "getLead (wrong key)")

    if failures:
        print(f"zeep: {failures} check(s) failed")
        return 1
    print("zeep: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
