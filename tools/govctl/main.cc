// govctl: the operator's command-line client for the governance suite. Generic over the shared
// schema: every method of every track is reachable through `call`, with JSON in and out; the
// indicator, ranking, figure, health and cockpit commands add readable output for the daily work.

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "common/config/config.h"
#include "common/log/log.h"
#include "common/util/tls.h"
#include "google/protobuf/message.h"
#include "google/protobuf/util/json_util.h"
#include "governance/digital/v1/digital.pb.h"
#include "governance/v1/common.pb.h"
#include "governance/v1/indicators.pb.h"
#include "grpcpp/grpcpp.h"
#include "tools/govctl/client.h"
#include "tools/govctl/cockpit.h"
#include "tools/govctl/indicator_text.h"
#include "tools/govctl/schema.h"
#include "tools/govctl/table.h"

namespace gov::govctl {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitRpcError = 1;
constexpr int kExitUsage = 2;

constexpr char kUsage[] = R"(govctl - operator's client for the governance suite

Usage:
  govctl [flags] services                          list every service and method of the schema
  govctl [flags] access <track>                    who may call each method of the track
                                                   (roles and scope, from the schema)
  govctl [flags] describe <Method|Service.Method|Message>
                                                   show a request's fields and enum values
  govctl [flags] call <track> <Method> [JSON|@file|-]
                                                   call any method on a track's port (its own
                                                   service or governance.v1.IndicatorsService);
                                                   prints the reply as JSON
  govctl [flags] indicators <track> [--period=P] [--street=ID] [--community=ID]
  govctl [flags] rankings <track> --by=street|community|unit|category
                                   [--period=P] [--street=ID] [--limit=N]
  govctl [flags] record-figure <track> --figure=ID --period=P --value=N --source=TEXT
                                   [--street=ID] [--note=TEXT] [--request_id=ID]
  govctl [flags] health <track|host:port> [--service=NAME]
                                                   exit 0 only when SERVING
  govctl [flags] cockpit list                      the cockpits (served by the digital track)
  govctl [flags] cockpit <id> [--period=P]         one cockpit: each track's indicators, or the
                                                   code of a track that did not answer
  govctl [flags] cockpit compare-streets <track> <indicator_id> [--period=P]
                                                   one indicator: the district, then the streets
                                                   by rank
  govctl [flags] cockpit compare-periods <id> [--period=P] [--count=N]
                                                   one cockpit over N periods (default 6, at
                                                   most 12) up to P, newest first
  govctl help

Tracks: $TRACKS
Periods (P): 2026 (year), 2026-Q4 (quarter), 2026-11 (month), 2026-W05 (ISO week);
  omitted means the current month.

Flags:
  --addr=HOST:PORT   server address (default 127.0.0.1:<track port>, shifted by the
                     environment variable GOV_PORT_OFFSET when set)
  --token=TOKEN      bearer token (default: $GOV_TOKEN, else a token from $GOV_TOKEN_FILE)
  --token_file=PATH  token file: one token a line, or "principal<TAB>roles<TAB>streets<TAB>token"
                     lines as in .run/dev-tokens.txt (default $GOV_TOKEN_FILE)
  --as=PRINCIPAL     use that principal's token from the token file (default: the first)
  --timeout=10s      deadline of each call
  --trace_id=ID      trace id sent as x-trace-id (default: a random one)
  --purpose=TEXT     why the call reads personal data, kept with each read of it the service
                     records (sent as x-gov-purpose-bin; up to 200 characters)
  --json             machine-readable JSON instead of tables
  --tls_ca=PATH      connect over TLS, verifying the server's certificate against this PEM CA
                     bundle and the address's host (default $GOV_TLS_CA; unset: plaintext)
  --tls_cert=PATH    client certificate (PEM) for a server that requires one (mutual TLS), with
  --tls_key=PATH     its private key (default $GOV_TLS_CERT, $GOV_TLS_KEY, used with a CA)
  --tls_server_name=NAME
                     the name the server's certificate must carry, when the address's host is
                     not in it (e.g. --addr=127.0.0.1:7101 --tls_server_name=mediation)

Exit codes: 0 ok, 1 the call failed (its gRPC code is printed), 2 usage error.

Examples:
  export GOV_TOKEN_FILE=.run/dev-tokens.txt
  govctl health mediation
  govctl indicators mediation --period=2026-11
  govctl --as=op-gs01 rankings mediation --by=category --period=2026-Q4
  govctl cockpit district --period=2026-Q3
  govctl cockpit compare-streets mediation mediation_success_rate --period=2026-10
  govctl describe CreateDispute
  govctl call mediation CreateDispute '{"request_id":"r-1","dispute":{"category":"DISPUTE_CATEGORY_NEIGHBOURHOOD",
      "channel":"INTAKE_CHANNEL_WALK_IN","region":{"street_id":"GS01"},
      "parties":[{"role":"PARTY_ROLE_APPLICANT","name":"...","phone":"..."}]}}'
  govctl call mediation GetDispute '{"id":"D-000001"}'
  govctl call mediation ListDisputes @filter.json
  govctl record-figure mediation --figure=court_intake --period=2026-10 --value=123 \
      --source="district court monthly report"
)";

// kUsage with the tracks of config::KnownTracks() (data/tracks.json) in place of $TRACKS.
std::string UsageText() {
  std::vector<std::string> names;
  for (const config::TrackPorts& t : config::KnownTracks()) names.push_back(t.track);
  return absl::StrReplaceAll(kUsage, {{"$TRACKS", absl::StrJoin(names, " ")}});
}

// ---------------------------------------------------------------------------------------------
// Command line

const std::set<std::string>& ValueFlags() {
  static const auto* flags = new std::set<std::string>{
      "addr",       "token",           "token_file", "as",        "timeout",
      "trace_id",   "period",          "street",     "community", "by",
      "limit",      "figure",          "value",      "source",    "note",
      "request_id", "service",         "count",      "tls_ca",    "tls_cert",
      "tls_key",    "tls_server_name", "purpose"};
  return *flags;
}
const std::set<std::string>& BoolFlags() {
  static const auto* flags = new std::set<std::string>{"json", "help"};
  return *flags;
}
const std::set<std::string>& GlobalFlags() {
  static const auto* flags = new std::set<std::string>{
      "addr", "token",  "token_file", "as",      "timeout",         "trace_id", "json",
      "help", "tls_ca", "tls_cert",   "tls_key", "tls_server_name", "purpose"};
  return *flags;
}
// Flags each command takes besides the global ones.
const std::map<std::string, std::set<std::string>>& CommandFlags() {
  static const auto* flags = new std::map<std::string, std::set<std::string>>{
      {"services", {}},
      {"describe", {}},
      {"access", {}},
      {"call", {}},
      {"indicators", {"period", "street", "community"}},
      {"rankings", {"by", "period", "street", "community", "limit"}},
      {"record-figure", {"figure", "period", "value", "source", "note", "request_id", "street"}},
      {"health", {"service"}},
      {"cockpit", {"period", "count"}},
      {"help", {}},
  };
  return *flags;
}

struct Args {
  std::map<std::string, std::string> flags;
  std::vector<std::string> positional;

  bool Has(const std::string& name) const { return flags.contains(name); }
  std::string Get(const std::string& name, const std::string& fallback = "") const {
    auto it = flags.find(name);
    return it == flags.end() ? fallback : it->second;
  }
};

// A usage error: message for stderr, exit code 2.
struct UsageError {
  std::string message;
};

// Flags may come before or after the command; "--name=value" and "--name value" both work.
bool ParseArgs(int argc, char** argv, Args* args, UsageError* error) {
  bool flags_done = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (flags_done || arg == "-" || !absl::StartsWith(arg, "-")) {
      args->positional.push_back(arg);
      continue;
    }
    if (arg == "--") {
      flags_done = true;
      continue;
    }
    if (arg == "-h") arg = "--help";
    if (!absl::StartsWith(arg, "--")) {
      error->message = absl::StrCat("unknown flag ", arg);
      return false;
    }
    std::string name = arg.substr(2);
    std::string value;
    bool has_value = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    if (BoolFlags().contains(name)) {
      if (has_value && value != "true" && value != "false") {
        error->message = absl::StrCat("--", name, " takes no value (or true/false)");
        return false;
      }
      if (!has_value || value == "true") args->flags[name] = "true";
      continue;
    }
    if (!ValueFlags().contains(name)) {
      error->message = absl::StrCat("unknown flag --", name);
      return false;
    }
    if (!has_value) {
      if (i + 1 >= argc) {
        error->message = absl::StrCat("--", name, " needs a value");
        return false;
      }
      value = argv[++i];
    }
    args->flags[name] = value;
  }
  return true;
}

bool CheckCommandFlags(const std::string& command, const Args& args, UsageError* error) {
  const std::set<std::string>& own = CommandFlags().at(command);
  for (const auto& [name, value] : args.flags) {
    if (!GlobalFlags().contains(name) && !own.contains(name)) {
      error->message = absl::StrCat("`", command, "` does not take --", name);
      return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Connection settings

bool KnownTrack(const std::string& track, int* grpc_port) {
  for (const config::TrackPorts& t : config::KnownTracks()) {
    if (track == t.track) {
      *grpc_port = t.grpc_port;
      return true;
    }
  }
  return false;
}

std::string TrackList() {
  std::vector<std::string> names;
  for (const config::TrackPorts& t : config::KnownTracks()) names.push_back(t.track);
  return absl::StrJoin(names, ", ");
}

// --addr, else the track's fixed local port (plus GOV_PORT_OFFSET, which scripts/run.sh honours
// too, so a shifted local suite is reachable without --addr).
bool ResolveAddress(const Args& args, const std::string& track, std::string* addr,
                    UsageError* error) {
  if (args.Has("addr")) {
    *addr = args.Get("addr");
    return true;
  }
  int port = 0;
  if (!KnownTrack(track, &port)) {
    error->message = absl::StrCat("unknown track \"", track, "\" (tracks: ", TrackList(),
                                  "); give --addr for another server");
    return false;
  }
  int offset = 0;
  if (const char* env = std::getenv("GOV_PORT_OFFSET"); env != nullptr && *env != '\0') {
    if (!absl::SimpleAtoi(env, &offset) || offset < 0 || port + offset > 65535) {
      error->message = absl::StrCat("GOV_PORT_OFFSET=", env, " is not a usable port offset");
      return false;
    }
  }
  *addr = absl::StrCat("127.0.0.1:", port + offset);
  return true;
}

// A token file line is either a bare token or dev-tokens.txt's
// "principal<TAB>roles<TAB>streets<TAB>token"; blank lines and "#" comments are skipped.
bool TokenFromFile(const std::string& path, const std::string& principal, std::string* token,
                   UsageError* error) {
  std::ifstream in(path);
  if (!in) {
    error->message = absl::StrCat("cannot read token file ", path);
    return false;
  }
  std::string line;
  while (std::getline(in, line)) {
    absl::string_view text = absl::StripAsciiWhitespace(line);
    if (text.empty() || absl::StartsWith(text, "#")) continue;
    std::vector<absl::string_view> fields = absl::StrSplit(text, '\t');
    if (!principal.empty() && (fields.size() < 2 || fields.front() != principal)) continue;
    *token = std::string(absl::StripAsciiWhitespace(fields.back()));
    return true;
  }
  error->message = principal.empty()
                       ? absl::StrCat("no token in ", path)
                       : absl::StrCat("no token for principal ", principal, " in ", path);
  return false;
}

bool ResolveToken(const Args& args, std::string* token, UsageError* error) {
  if (args.Has("token")) {
    *token = args.Get("token");
    return true;
  }
  const char* env_file = std::getenv("GOV_TOKEN_FILE");
  const std::string file = args.Get("token_file", env_file == nullptr ? "" : env_file);
  if (args.Has("as")) {
    if (file.empty()) {
      error->message = "--as needs a token file (--token_file or GOV_TOKEN_FILE)";
      return false;
    }
    return TokenFromFile(file, args.Get("as"), token, error);
  }
  if (const char* env = std::getenv("GOV_TOKEN"); env != nullptr && *env != '\0') {
    *token = env;
    return true;
  }
  if (!file.empty()) return TokenFromFile(file, "", token, error);
  token->clear();
  return true;
}

// --NAME, else the environment variable GOV_NAME (e.g. --tls_ca, GOV_TLS_CA); "" when neither.
std::string FlagOrEnv(const Args& args, const std::string& name) {
  if (args.Has(name)) return args.Get(name);
  const char* env = std::getenv(absl::StrCat("GOV_", absl::AsciiStrToUpper(name)).c_str());
  return env == nullptr ? "" : env;
}

struct Session {
  std::string addr;
  bool tls = false;  // over TLS (--tls_ca)
  std::shared_ptr<grpc::Channel> channel;
  CallOptions options;
  bool json = false;
};

bool OpenSession(const Args& args, const std::string& track, Session* session, UsageError* error) {
  if (!ResolveAddress(args, track, &session->addr, error)) return false;
  if (!ResolveToken(args, &session->options.token, error)) return false;
  const std::string timeout = args.Get("timeout", "10s");
  absl::Duration d;
  double seconds = 0;
  if (absl::SimpleAtod(timeout, &seconds)) {
    d = absl::Seconds(seconds);
  } else if (!absl::ParseDuration(timeout, &d)) {
    error->message = absl::StrCat("--timeout=", timeout, " is not a duration (e.g. 10s, 500ms)");
    return false;
  }
  if (d <= absl::ZeroDuration()) {
    error->message = "--timeout must be positive";
    return false;
  }
  session->options.timeout = d;
  session->options.trace_id = args.Get("trace_id", log::NewTraceId());
  session->options.purpose = args.Get("purpose", "");
  session->json = args.Has("json");
  tls::ClientFiles files{.ca = FlagOrEnv(args, "tls_ca"),
                         .cert = FlagOrEnv(args, "tls_cert"),
                         .key = FlagOrEnv(args, "tls_key")};
  // The environment's certificate goes with its CA (a pod's GOV_TLS_*): with GOV_TLS_CA cleared
  // for a plaintext port it is left out; given as flags without a CA it is a usage error.
  if (files.ca.empty() && !args.Has("tls_cert") && !args.Has("tls_key")) {
    files.cert.clear();
    files.key.clear();
  }
  session->tls = !files.ca.empty();
  // A short-lived process: the files are read once (the reload interval never comes).
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      tls::MakeChannelCredentials(files, absl::Hours(1));
  if (!credentials.ok()) {
    error->message = std::string(credentials.status().message());
    return false;
  }
  grpc::ChannelArguments channel_args;
  if (args.Has("tls_server_name")) {
    if (!session->tls) {
      error->message = "--tls_server_name needs --tls_ca (or GOV_TLS_CA)";
      return false;
    }
    channel_args.SetSslTargetNameOverride(args.Get("tls_server_name"));
  }
  session->channel = grpc::CreateCustomChannel(session->addr, *credentials, channel_args);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Output helpers

int ReportRpcError(const CallResult& result, const Session& session) {
  std::cerr << "error: " << CodeName(result.status.error_code()) << ": "
            << result.status.error_message() << "\n";
  if (!result.field.empty()) std::cerr << "field: " << result.field << "\n";
  if (result.status.error_code() == grpc::StatusCode::UNAUTHENTICATED &&
      session.options.token.empty()) {
    std::cerr << "hint: no token was sent; pass --token, or set GOV_TOKEN or GOV_TOKEN_FILE "
                 "(e.g. .run/dev-tokens.txt)\n";
  }
  if (result.status.error_code() == grpc::StatusCode::UNAVAILABLE) {
    std::cerr << "hint: is the service running on " << session.addr << "?"
              << (session.tls ? " Does its certificate chain to --tls_ca and name the host, and "
                                "does it accept this client's certificate?"
                              : " If it serves TLS, pass --tls_ca (and --tls_cert/--tls_key for "
                                "mutual TLS).")
              << "\n";
  }
  std::cerr << "trace: " << session.options.trace_id << "\n";
  return kExitRpcError;
}

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  std::string json;
  google::protobuf::util::Status status =
      google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) return absl::StrCat("{\"error\": \"", status.ToString(), "\"}\n");
  return json;
}

bool UseColour() { return isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr; }

// ---------------------------------------------------------------------------------------------
// Periods: 2026, 2026-Q4, 2026-11, 2026-W05

bool ParsePeriod(const std::string& text, governance::v1::Period* period) {
  std::vector<std::string> parts = absl::StrSplit(text, '-');
  int year = 0;
  if (parts.empty() || parts.size() > 2 || parts[0].size() != 4 ||
      !absl::SimpleAtoi(parts[0], &year) || year < 1970 || year > 9999) {
    return false;
  }
  period->Clear();
  period->set_year(year);
  if (parts.size() == 1) return true;
  std::string part = absl::AsciiStrToUpper(parts[1]);
  int n = 0;
  if (absl::StartsWith(part, "Q")) {
    if (!absl::SimpleAtoi(part.substr(1), &n) || n < 1 || n > 4) return false;
    period->set_quarter(n);
  } else if (absl::StartsWith(part, "W")) {
    if (!absl::SimpleAtoi(part.substr(1), &n) || n < 1 || n > 53) return false;
    period->set_week(n);
  } else {
    if (!absl::SimpleAtoi(part, &n) || n < 1 || n > 12) return false;
    period->set_month(n);
  }
  return true;
}

bool PeriodFlag(const Args& args, governance::v1::Period* period, UsageError* error) {
  if (!args.Has("period")) return true;
  if (!ParsePeriod(args.Get("period"), period)) {
    error->message = absl::StrCat("--period=", args.Get("period"),
                                  " is not a period (2026, 2026-Q4, 2026-11, 2026-W05)");
    return false;
  }
  return true;
}

std::string RegionText(const governance::v1::RegionRef& region) {
  if (!region.grid_id().empty()) return region.grid_id();
  if (!region.community_id().empty()) return region.community_id();
  if (!region.street_id().empty()) return region.street_id();
  return "";
}

// ---------------------------------------------------------------------------------------------
// Commands

using Command = int (*)(const Args&);

bool NeedPositional(const Args& args, size_t count, const std::string& what, UsageError* error) {
  if (args.positional.size() < count + 1) {
    error->message = absl::StrCat("missing ", what);
    return false;
  }
  return true;
}

int Usage(const UsageError& error) {
  std::cerr << "govctl: " << error.message << "\n(run `govctl help` for usage)\n";
  return kExitUsage;
}

int CmdServices(const Args& args) {
  if (args.positional.size() > 1) return Usage({"`services` takes no arguments"});
  std::cout << ServicesText();
  return kExitOk;
}

int CmdAccess(const Args& args) {
  UsageError error;
  if (!NeedPositional(args, 1, "<track>", &error)) return Usage(error);
  if (args.positional.size() > 2) return Usage({"`access` takes one track"});
  absl::StatusOr<std::string> text = AccessText(args.positional[1], args.Has("json"));
  if (absl::IsNotFound(text.status())) return Usage({std::string(text.status().message())});
  if (!text.ok()) {
    // A method without a declaration: the schema's fault, and its server would not start.
    std::cerr << "govctl: " << text.status().message() << "\n";
    return kExitRpcError;
  }
  std::cout << *text;
  return kExitOk;
}

int CmdDescribe(const Args& args) {
  UsageError error;
  if (!NeedPositional(args, 1, "what to describe (a method or message name)", &error)) {
    return Usage(error);
  }
  if (args.positional.size() > 2) return Usage({"`describe` takes one name"});
  absl::StatusOr<std::string> text = DescribeText(args.positional[1]);
  if (!text.ok()) return Usage({std::string(text.status().message())});
  std::cout << *text;
  return kExitOk;
}

// The request body of `call`: inline JSON, @file, or - for stdin; none means {}.
bool ReadBody(const Args& args, std::string* body, UsageError* error) {
  if (args.positional.size() < 4) {
    *body = "{}";
    return true;
  }
  const std::string& arg = args.positional[3];
  if (arg == "-") {
    std::stringstream in;
    in << std::cin.rdbuf();
    *body = in.str();
  } else if (absl::StartsWith(arg, "@")) {
    std::ifstream in(arg.substr(1));
    if (!in) {
      error->message = absl::StrCat("cannot read ", arg.substr(1));
      return false;
    }
    std::stringstream content;
    content << in.rdbuf();
    *body = content.str();
  } else {
    *body = arg;
  }
  return true;
}

int CmdCall(const Args& args) {
  UsageError error;
  if (!NeedPositional(args, 2, "<track> <Method>", &error)) return Usage(error);
  if (args.positional.size() > 4) {
    return Usage({"too many arguments: quote the JSON request as one argument"});
  }
  const std::string& track = args.positional[1];
  absl::StatusOr<const google::protobuf::MethodDescriptor*> method =
      FindTrackMethod(track, args.positional[2]);
  if (!method.ok()) return Usage({std::string(method.status().message())});

  std::string body;
  if (!ReadBody(args, &body, &error)) return Usage(error);
  google::protobuf::MessageFactory* factory = google::protobuf::MessageFactory::generated_factory();
  std::unique_ptr<google::protobuf::Message> request(
      factory->GetPrototype((*method)->input_type())->New());
  std::unique_ptr<google::protobuf::Message> response(
      factory->GetPrototype((*method)->output_type())->New());
  google::protobuf::util::Status parsed =
      google::protobuf::util::JsonStringToMessage(body, request.get());
  if (!parsed.ok()) {
    return Usage(
        {absl::StrCat("request is not a valid ", (*method)->input_type()->full_name(), ": ",
                      parsed.ToString(), " (see `govctl describe ", (*method)->name(), "`)")});
  }

  // Creates need a request_id; making one up keeps a one-off call short. It is shown so the
  // operator can repeat the call safely with the same id.
  const google::protobuf::FieldDescriptor* request_id =
      request->GetDescriptor()->FindFieldByName("request_id");
  if (request_id != nullptr &&
      request_id->type() == google::protobuf::FieldDescriptor::TYPE_STRING &&
      !request_id->is_repeated() &&
      request->GetReflection()->GetString(*request, request_id).empty()) {
    const std::string id = absl::StrCat("govctl-", log::NewTraceId());
    request->GetReflection()->SetString(request.get(), request_id, id);
    std::cerr << "request_id: " << id
              << " (to retry safely, send the request again with this request_id)\n";
  }

  Session session;
  if (!OpenSession(args, track, &session, &error)) return Usage(error);
  CallResult result =
      CallMethod(session.channel, **method, *request, response.get(), session.options);
  if (!result.ok()) return ReportRpcError(result, session);
  std::cout << ToJson(*response);
  return kExitOk;
}

const google::protobuf::MethodDescriptor* IndicatorsMethod(const std::string& name) {
  return google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
      absl::StrCat(kIndicatorsService, ".", name));
}

bool RegionFlags(const Args& args, governance::v1::RegionRef* region, UsageError* error) {
  std::string street = args.Get("street");
  const std::string community = args.Get("community");
  if (street.empty() && !community.empty()) {
    // Community ids start with their street's ("GS01-C03"), so the street can be derived.
    const size_t dash = community.find('-');
    if (dash == std::string::npos) {
      error->message = "--community needs --street";
      return false;
    }
    street = community.substr(0, dash);
  }
  region->set_street_id(street);
  region->set_community_id(community);
  return true;
}

int CmdIndicators(const Args& args) {
  UsageError error;
  if (!NeedPositional(args, 1, "<track>", &error)) return Usage(error);
  if (args.positional.size() > 2) return Usage({"`indicators` takes one track"});
  const std::string& track = args.positional[1];
  governance::v1::ListIndicatorsRequest request;
  if (!PeriodFlag(args, request.mutable_period(), &error)) return Usage(error);
  if (!args.Has("period")) request.clear_period();
  if (!RegionFlags(args, request.mutable_region(), &error)) return Usage(error);
  if (RegionText(request.region()).empty()) request.clear_region();

  Session session;
  if (!OpenSession(args, track, &session, &error)) return Usage(error);
  governance::v1::ListIndicatorsResponse response;
  CallResult result = CallMethod(session.channel, *IndicatorsMethod("ListIndicators"), request,
                                 &response, session.options);
  if (!result.ok()) return ReportRpcError(result, session);
  if (session.json) {
    std::cout << ToJson(response);
    return kExitOk;
  }

  governance::v1::Period period = request.period();
  std::string region;
  if (response.indicators_size() > 0) {
    period = response.indicators(0).period();
    region = RegionText(response.indicators(0).region());
  }
  std::cout << (response.track().empty() ? track : response.track()) << " indicators, "
            << PeriodText(period) << ", " << (region.empty() ? "whole district" : region) << "\n\n";
  IndicatorTableOptions options;
  options.colour = UseColour();
  if (response.indicators_size() == 0) {
    std::cout << "(no indicators)\n";
  } else {
    std::cout << IndicatorTable(response.indicators(), options).Render();
    // Under the table: where each target comes from, and the days each change compares.
    const std::string notes = IndicatorNotes(response.indicators());
    if (!notes.empty()) std::cout << "\nTargets and comparisons:\n" << notes;
  }
  return kExitOk;
}

bool ParseDimension(const std::string& text, governance::v1::RankingDimension* dimension) {
  static const auto* names = new std::map<std::string, governance::v1::RankingDimension>{
      {"street", governance::v1::RANKING_DIMENSION_STREET},
      {"community", governance::v1::RANKING_DIMENSION_COMMUNITY},
      {"unit", governance::v1::RANKING_DIMENSION_UNIT},
      {"category", governance::v1::RANKING_DIMENSION_CATEGORY},
  };
  auto it = names->find(absl::AsciiStrToLower(text));
  if (it == names->end()) return false;
  *dimension = it->second;
  return true;
}

int CmdRankings(const Args& args) {
  UsageError error;
  if (!NeedPositional(args, 1, "<track>", &error)) return Usage(error);
  if (args.positional.size() > 2) return Usage({"`rankings` takes one track"});
  const std::string& track = args.positional[1];
  governance::v1::ListRankingsRequest request;
  governance::v1::RankingDimension dimension;
  if (!args.Has("by")) return Usage({"`rankings` needs --by=street|community|unit|category"});
  if (!ParseDimension(args.Get("by"), &dimension)) {
    return Usage({absl::StrCat("--by=", args.Get("by"),
                               " is not one of street, community, unit, category")});
  }
  request.set_dimension(dimension);
  if (!PeriodFlag(args, request.mutable_period(), &error)) return Usage(error);
  if (!args.Has("period")) request.clear_period();
  if (!RegionFlags(args, request.mutable_region(), &error)) return Usage(error);
  if (RegionText(request.region()).empty()) request.clear_region();
  if (args.Has("limit")) {
    int limit = 0;
    if (!absl::SimpleAtoi(args.Get("limit"), &limit) || limit < 1 || limit > 100) {
      return Usage({"--limit must be a number from 1 to 100"});
    }
    request.set_limit(limit);
  }

  Session session;
  if (!OpenSession(args, track, &session, &error)) return Usage(error);
  governance::v1::ListRankingsResponse response;
  CallResult result = CallMethod(session.channel, *IndicatorsMethod("ListRankings"), request,
                                 &response, session.options);
  if (!result.ok()) return ReportRpcError(result, session);
  if (session.json) {
    std::cout << ToJson(response);
    return kExitOk;
  }
  std::cout << track << " ranking by " << absl::AsciiStrToLower(args.Get("by")) << ", "
            << PeriodText(request.period()) << ", "
            << (RegionText(request.region()).empty() ? "whole scope" : RegionText(request.region()))
            << "\n\n";
  Table table({"rank", "key", "name", "count"});
  table.AlignRight(0);
  table.AlignRight(3);
  for (const governance::v1::RankingEntry& entry : response.entries()) {
    table.AddRow({absl::StrCat(entry.rank()), entry.key(),
                  entry.name().empty() ? "-" : entry.name(), absl::StrCat(entry.count())});
  }
  if (response.entries_size() == 0) {
    std::cout << "(no cases in the period)\n";
  } else {
    std::cout << table.Render();
  }
  std::cout << "\ntotal: " << response.total() << "\n";
  return kExitOk;
}

int CmdRecordFigure(const Args& args) {
  UsageError error;
  if (!NeedPositional(args, 1, "<track>", &error)) return Usage(error);
  if (args.positional.size() > 2) return Usage({"`record-figure` takes one track"});
  const std::string& track = args.positional[1];
  for (const char* required : {"figure", "period", "value", "source"}) {
    if (!args.Has(required) || args.Get(required).empty()) {
      return Usage({absl::StrCat("`record-figure` needs --", required)});
    }
  }
  governance::v1::RecordFigureRequest request;
  governance::v1::Figure* figure = request.mutable_figure();
  figure->set_figure_id(args.Get("figure"));
  if (!PeriodFlag(args, figure->mutable_period(), &error)) return Usage(error);
  int64_t value = 0;
  if (!absl::SimpleAtoi(args.Get("value"), &value)) {
    return Usage({absl::StrCat("--value=", args.Get("value"), " is not a whole number")});
  }
  figure->set_value(value);
  figure->set_source(args.Get("source"));
  figure->set_street_id(args.Get("street"));
  figure->set_note(args.Get("note"));
  request.set_request_id(args.Get("request_id", absl::StrCat("govctl-", log::NewTraceId())));

  Session session;
  if (!OpenSession(args, track, &session, &error)) return Usage(error);
  governance::v1::RecordFigureResponse response;
  CallResult result = CallMethod(session.channel, *IndicatorsMethod("RecordFigure"), request,
                                 &response, session.options);
  if (!result.ok()) {
    std::cerr << "request_id: " << request.request_id()
              << " (repeat with --request_id to retry safely)\n";
    return ReportRpcError(result, session);
  }
  if (session.json) {
    std::cout << ToJson(response);
    return kExitOk;
  }
  const governance::v1::Figure& stored = response.figure();
  std::cout << "recorded " << stored.figure_id() << " " << PeriodText(stored.period()) << " "
            << (stored.street_id().empty() ? "district" : stored.street_id()) << " = "
            << stored.value() << " (revision " << stored.revision() << ")\n"
            << "  source:     " << stored.source() << "\n";
  if (!stored.note().empty()) std::cout << "  note:       " << stored.note() << "\n";
  std::cout << "  entered by: " << stored.entered_by() << "\n"
            << "  request_id: " << request.request_id() << "\n";
  return kExitOk;
}

// The cockpits are served by the digital track (governance.digital.v1.DigitalService).
constexpr char kCockpitTrack[] = "digital";

const google::protobuf::MethodDescriptor* CockpitMethod(const std::string& name) {
  const google::protobuf::ServiceDescriptor* service =
      governance::digital::v1::GetCockpitRequest::descriptor()->file()->FindServiceByName(
          "DigitalService");
  return service == nullptr ? nullptr : service->FindMethodByName(name);
}

// Calls a cockpit method on the digital track. True when the reply is to be rendered; otherwise
// *exit_code says how govctl ends: a usage or RPC error (printed), or --json (the reply printed).
bool CallCockpit(const Args& args, const std::string& method,
                 const google::protobuf::Message& request, google::protobuf::Message* response,
                 int* exit_code) {
  UsageError error;
  Session session;
  if (!OpenSession(args, kCockpitTrack, &session, &error)) {
    *exit_code = Usage(error);
    return false;
  }
  CallResult result =
      CallMethod(session.channel, *CockpitMethod(method), request, response, session.options);
  if (!result.ok()) {
    *exit_code = ReportRpcError(result, session);
    return false;
  }
  if (session.json) {
    std::cout << ToJson(*response);
    *exit_code = kExitOk;
    return false;
  }
  return true;
}

// The flags a cockpit subcommand takes besides the global ones.
bool CheckCockpitFlags(const std::string& subcommand, const Args& args,
                       const std::set<std::string>& own, UsageError* error) {
  for (const auto& [name, value] : args.flags) {
    if (!GlobalFlags().contains(name) && !own.contains(name)) {
      error->message = absl::StrCat("`cockpit ", subcommand, "` does not take --", name);
      return false;
    }
  }
  return true;
}

int CmdCockpitList(const Args& args) {
  UsageError error;
  if (!CheckCockpitFlags("list", args, {}, &error)) return Usage(error);
  if (args.positional.size() > 2) return Usage({"`cockpit list` takes no arguments"});
  governance::digital::v1::ListCockpitsRequest request;
  governance::digital::v1::ListCockpitsResponse response;
  int exit_code = kExitOk;
  if (!CallCockpit(args, "ListCockpits", request, &response, &exit_code)) return exit_code;
  std::cout << CockpitListText(response);
  return kExitOk;
}

int CmdCockpitGet(const Args& args) {
  UsageError error;
  if (!CheckCockpitFlags(args.positional[1], args, {"period"}, &error)) return Usage(error);
  if (args.positional.size() > 2) return Usage({"`cockpit <id>` takes one cockpit id"});
  governance::digital::v1::GetCockpitRequest request;
  request.set_id(args.positional[1]);
  if (!PeriodFlag(args, request.mutable_period(), &error)) return Usage(error);
  if (!args.Has("period")) request.clear_period();
  governance::digital::v1::GetCockpitResponse response;
  int exit_code = kExitOk;
  if (!CallCockpit(args, "GetCockpit", request, &response, &exit_code)) return exit_code;
  CockpitTextOptions options;
  options.colour = UseColour();
  std::cout << CockpitText(response.cockpit(), options);
  return kExitOk;
}

int CmdCockpitCompareStreets(const Args& args) {
  UsageError error;
  if (!CheckCockpitFlags("compare-streets", args, {"period"}, &error)) return Usage(error);
  if (args.positional.size() != 4) {
    return Usage({"`cockpit compare-streets` takes a track and an indicator id"});
  }
  governance::digital::v1::CompareStreetsRequest request;
  request.set_track(args.positional[2]);
  request.set_indicator_id(args.positional[3]);
  if (!PeriodFlag(args, request.mutable_period(), &error)) return Usage(error);
  if (!args.Has("period")) request.clear_period();
  governance::digital::v1::CompareStreetsResponse response;
  int exit_code = kExitOk;
  if (!CallCockpit(args, "CompareStreets", request, &response, &exit_code)) return exit_code;
  CockpitTextOptions options;
  options.colour = UseColour();
  std::cout << CompareStreetsText(request.track(), response, options);
  return kExitOk;
}

int CmdCockpitComparePeriods(const Args& args) {
  UsageError error;
  if (!CheckCockpitFlags("compare-periods", args, {"period", "count"}, &error)) {
    return Usage(error);
  }
  if (args.positional.size() != 3) return Usage({"`cockpit compare-periods` takes a cockpit id"});
  governance::digital::v1::ComparePeriodsRequest request;
  request.set_id(args.positional[2]);
  if (!PeriodFlag(args, request.mutable_period(), &error)) return Usage(error);
  if (!args.Has("period")) request.clear_period();
  if (args.Has("count")) {
    int count = 0;
    if (!absl::SimpleAtoi(args.Get("count"), &count) || count < 1 || count > 12) {
      return Usage({"--count must be a number from 1 to 12"});
    }
    request.set_count(count);
  }
  governance::digital::v1::ComparePeriodsResponse response;
  int exit_code = kExitOk;
  if (!CallCockpit(args, "ComparePeriods", request, &response, &exit_code)) return exit_code;
  CockpitTextOptions options;
  options.colour = UseColour();
  std::cout << ComparePeriodsText(response, options);
  return kExitOk;
}

int CmdCockpit(const Args& args) {
  UsageError error;
  if (!NeedPositional(args, 1, "a cockpit id, or list, compare-streets, compare-periods", &error)) {
    return Usage(error);
  }
  const std::string& sub = args.positional[1];
  if (sub == "list") return CmdCockpitList(args);
  if (sub == "compare-streets") return CmdCockpitCompareStreets(args);
  if (sub == "compare-periods") return CmdCockpitComparePeriods(args);
  return CmdCockpitGet(args);
}

int CmdHealth(const Args& args) {
  UsageError error;
  if (!NeedPositional(args, 1, "<track|host:port>", &error)) return Usage(error);
  if (args.positional.size() > 2) return Usage({"`health` takes one track or address"});
  const std::string& target = args.positional[1];
  Args with_addr = args;
  if (absl::StrContains(target, ':') && !args.Has("addr")) with_addr.flags["addr"] = target;
  Session session;
  if (!OpenSession(with_addr, target, &session, &error)) return Usage(error);
  Health health = Health::kUnknown;
  CallResult result = CheckHealth(session.channel, args.Get("service"), session.options, &health);
  if (!result.ok()) return ReportRpcError(result, session);
  if (session.json) {
    std::cout << "{\"addr\": \"" << session.addr << "\", \"status\": \"" << HealthName(health)
              << "\"}\n";
  } else {
    std::cout << session.addr << ": " << HealthName(health) << "\n";
  }
  return health == Health::kServing ? kExitOk : kExitRpcError;
}

int CmdHelp(const Args&) {
  std::cout << UsageText();
  return kExitOk;
}

int Main(int argc, char** argv) {
  Args args;
  UsageError error;
  if (!ParseArgs(argc, argv, &args, &error)) return Usage(error);
  if (args.positional.empty()) {
    if (args.Has("help")) return CmdHelp(args);
    std::cerr << UsageText();
    return kExitUsage;
  }
  static const auto* commands = new std::map<std::string, Command>{
      {"services", CmdServices},
      {"describe", CmdDescribe},
      {"access", CmdAccess},
      {"call", CmdCall},
      {"indicators", CmdIndicators},
      {"rankings", CmdRankings},
      {"record-figure", CmdRecordFigure},
      {"health", CmdHealth},
      {"cockpit", CmdCockpit},
      {"help", CmdHelp},
  };
  const std::string& name = args.positional[0];
  auto command = commands->find(name);
  if (command == commands->end()) return Usage({absl::StrCat("unknown command \"", name, "\"")});
  if (args.Has("help")) return CmdHelp(args);
  if (!CheckCommandFlags(name, args, &error)) return Usage(error);
  return command->second(args);
}

}  // namespace
}  // namespace gov::govctl

int main(int argc, char** argv) { return gov::govctl::Main(argc, argv); }
