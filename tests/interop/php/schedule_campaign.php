<?php
// Interop test: PHP's stock SoapClient (ext-soap) against the mktows emulator.
//
// It loads the emulator's `<endpoint>?WSDL`, signs an AuthenticationHeader (a SoapHeader in the
// mktows namespace) and makes the documentation's scheduleCampaign call: program
// "Trav-Demo-Program", campaign "Batch Campaign Example", two My Token overrides, a run time and a
// clone of the program. It checks success == true, that the clone is now a Program MObject, that
// getMultipleLeads takes a StaticListSelector sent as a SoapVar (xsi:type), and that a request
// signed with a wrong key is answered with a SoapFault whose detail code is 20014.
//
// Environment: MARKETO_SOAP_ENDPOINT, MARKETO_USER_ID, MARKETO_ENCRYPTION_KEY;
// INTEROP_TRACE=1 prints every raw request and response.
// Exit status 0 when every check passes, 1 otherwise.

declare(strict_types=1);

const MKTOWS_NS = 'http://www.marketo.com/mktows/';

$failures = 0;
$trace = getenv('INTEROP_TRACE') === '1';

function env(string $name): string
{
    $v = getenv($name);
    if ($v === false || $v === '') {
        fwrite(STDERR, "php: $name is not set\n");
        exit(2);
    }
    return $v;
}

function check(bool $ok, string $what): void
{
    global $failures;
    if ($ok) {
        echo "php: ok   - $what\n";
    } else {
        echo "php: FAIL - $what\n";
        $failures++;
    }
}

function dump_exchange(SoapClient $client, string $title): void
{
    echo "---- $title: RAW request headers ----\n" . $client->__getLastRequestHeaders();
    echo "---- $title: RAW request ----\n" . $client->__getLastRequest() . "\n";
    echo "---- $title: RAW response headers ----\n" . $client->__getLastResponseHeaders();
    echo "---- $title: RAW response ----\n" . $client->__getLastResponse() . "\n";
    echo "---- end $title ----\n";
}

// The documented signing: lowercase hex HMAC-SHA1 over requestTimestamp . userId, keyed with the
// encryption key; the timestamp in W3C form with a numeric offset (DATE_W3C), as in the
// documentation's PHP sample.
function auth_header(string $userId, string $key, string $timestamp): SoapHeader
{
    $signature = hash_hmac('sha1', $timestamp . $userId, $key);
    return new SoapHeader(MKTOWS_NS, 'AuthenticationHeader', [
        'mktowsUserId' => $userId,
        'requestSignature' => $signature,
        'requestTimestamp' => $timestamp,
    ]);
}

$endpoint = env('MARKETO_SOAP_ENDPOINT');
$userId = env('MARKETO_USER_ID');
$key = env('MARKETO_ENCRYPTION_KEY');
$wsdl = $endpoint . '?WSDL';

try {
    $client = new SoapClient($wsdl, [
        'soap_version' => SOAP_1_1,
        'trace' => true,
        'exceptions' => true,
        'cache_wsdl' => WSDL_CACHE_NONE,
        'connection_timeout' => 20,
        // No 'location': the client must call the soap:address the emulator wrote into the WSDL.
    ]);
} catch (Throwable $e) {
    echo "php: FAIL - load the WSDL from $wsdl: " . get_class($e) . ': ' . $e->getMessage() . "\n";
    exit(1);
}

$now = new DateTime('now', new DateTimeZone('America/Los_Angeles'));
$timestamp = $now->format(DATE_W3C);

// The documentation's scenario.
$params = [
    'programName' => 'Trav-Demo-Program',
    'campaignName' => 'Batch Campaign Example',
    'campaignRunAt' => $timestamp,
    'cloneToProgramName' => 'TestProgramCloneFromSOAP',
    'programTokenList' => [
        'attrib' => [
            ['name' => '{{my.message}}', 'value' => 'Updated message'],
            ['name' => '{{my.other token}}', 'value' => 'Value for other token'],
        ],
    ],
];

// 1. scheduleCampaign with a correct signature.
try {
    $result = $client->__soapCall(
        'scheduleCampaign',
        ['paramsScheduleCampaign' => $params],
        null,
        auth_header($userId, $key, $timestamp)
    );
    if ($trace) {
        dump_exchange($client, 'scheduleCampaign');
    }
    $success = $result->result->success ?? null;
    check($success === true, 'scheduleCampaign returns success == true (got ' . var_export($success, true) . ')');
    $sent = (string) $client->__getLastRequest();
    check(
        str_contains($sent, 'TestProgramCloneFromSOAP') && str_contains($sent, '{{my.other token}}'),
        'the request carried cloneToProgramName and both programTokenList attribs'
    );
} catch (SoapFault $f) {
    check(false, "scheduleCampaign: unexpected SoapFault {$f->faultcode}: {$f->faultstring}");
    dump_exchange($client, 'scheduleCampaign');
}

// 2. The effect: the clone exists now, as a Program MObject.
try {
    $ts = (new DateTime('now', new DateTimeZone('America/Los_Angeles')))->format(DATE_W3C);
    $programs = $client->__soapCall(
        'getMObjects',
        ['paramsGetMObjects' => ['type' => 'Program']],
        null,
        auth_header($userId, $key, $ts)
    );
    if ($trace) {
        dump_exchange($client, 'getMObjects');
    }
    $names = [];
    $objects = $programs->result->mObjectList->mObject ?? [];
    foreach (is_array($objects) ? $objects : [$objects] as $o) {
        $attribs = $o->attribList->attrib ?? [];
        foreach (is_array($attribs) ? $attribs : [$attribs] as $a) {
            if ($a->name === 'Name') {
                $names[] = $a->value;
            }
        }
    }
    check(
        in_array('TestProgramCloneFromSOAP', $names, true),
        'getMObjects(Program) lists the clone TestProgramCloneFromSOAP (programs: ' . implode(', ', $names) . ')'
    );
} catch (SoapFault $f) {
    check(false, "getMObjects: unexpected SoapFault {$f->faultcode}: {$f->faultstring}");
    dump_exchange($client, 'getMObjects');
}

// 3. The abstract LeadSelector the way PHP code sends it: a SoapVar naming the concrete type,
// which SoapClient writes as xsi:type="ns1:StaticListSelector" with xsi and ns1 declared on the
// Envelope.
try {
    $ts = (new DateTime('now', new DateTimeZone('America/Los_Angeles')))->format(DATE_W3C);
    $selector = new SoapVar(
        ['staticListName' => 'Trav-Test-List'],
        SOAP_ENC_OBJECT,
        'StaticListSelector',
        MKTOWS_NS
    );
    $leads = $client->__soapCall(
        'getMultipleLeads',
        ['paramsGetMultipleLeads' => ['leadSelector' => $selector, 'batchSize' => 10]],
        null,
        auth_header($userId, $key, $ts)
    );
    if ($trace) {
        dump_exchange($client, 'getMultipleLeads');
    }
    check(
        str_contains((string) $client->__getLastRequest(), ':type="ns1:StaticListSelector"'),
        'getMultipleLeads: SoapClient sent the selector with xsi:type'
    );
    $ids = [];
    $records = $leads->result->leadRecordList->leadRecord ?? [];
    foreach (is_array($records) ? $records : [$records] as $r) {
        $ids[] = (int) $r->Id;
    }
    sort($ids);
    check(
        $ids === [1001, 1002] && (int) $leads->result->remainingCount === 0,
        'getMultipleLeads(StaticListSelector Trav-Test-List) returns leads 1001, 1002 and remainingCount 0 (got '
            . implode(', ', $ids) . '; remainingCount ' . var_export($leads->result->remainingCount ?? null, true) . ')'
    );
} catch (SoapFault $f) {
    check(false, "getMultipleLeads: unexpected SoapFault {$f->faultcode}: {$f->faultstring}");
    dump_exchange($client, 'getMultipleLeads');
}

// 4. The same scheduleCampaign call signed with a wrong key: SoapFault, detail code 20014.
try {
    $ts = (new DateTime('now', new DateTimeZone('America/Los_Angeles')))->format(DATE_W3C);
    $client->__soapCall(
        'scheduleCampaign',
        ['paramsScheduleCampaign' => array_merge($params, ['cloneToProgramName' => 'TestProgramCloneWrongKey'])],
        null,
        auth_header($userId, $key . '-wrong', $ts)
    );
    check(false, 'a wrong encryption key is rejected (the call succeeded)');
    dump_exchange($client, 'scheduleCampaign (wrong key)');
} catch (SoapFault $f) {
    if ($trace) {
        dump_exchange($client, 'scheduleCampaign (wrong key)');
    }
    $code = $f->detail->serviceException->code ?? null;
    $ok = $code !== null && (string) $code === '20014';
    check($ok, 'a wrong encryption key gives SoapFault detail code 20014 (got '
        . var_export($code, true) . "; faultcode {$f->faultcode}, faultstring {$f->faultstring})");
    check(
        str_ends_with((string) $f->faultcode, 'Client'),
        "the 20014 fault has faultcode Client (got {$f->faultcode})"
    );
    if (!$ok) {
        dump_exchange($client, 'scheduleCampaign (wrong key)');
    }
}

if ($failures > 0) {
    echo "php: $failures check(s) failed\n";
    exit(1);
}
echo "php: all checks passed\n";
