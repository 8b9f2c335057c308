# The tracks of the suite for the build: data/tracks.json (the one list of the tracks, their names
# and fixed ports; data/README.md) is read and checked when CMake configures, and a change to it
# configures again. Included once from the top CMakeLists.txt, it provides:
#
#   GOV_TRACK_NAMES                 the tracks' names, in the file's order
#   gov_tracks_write_inc(<file>)    writes the list as C++ initializers of config::TrackPorts
#                                   (common/CMakeLists.txt: the KnownTracks() of config.cc)
#   gov_add_track(<name> [SOURCES <file>...])
#                                   a track's library and executable (services/<name>/)

set(GOV_TRACKS_FILE ${PROJECT_SOURCE_DIR}/data/tracks.json)
set_property(DIRECTORY ${PROJECT_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  ${GOV_TRACKS_FILE})

function(_gov_tracks_error message)
  message(FATAL_ERROR "${GOV_TRACKS_FILE}: ${message} (its format: data/README.md)")
endfunction()

# _gov_tracks_json(<out> <where> <mode> [<member|index>...]): string(JSON <out> <mode>) on the
# caller's variable `json` (not passed as an argument, where a ";" in the text would split it),
# stopping the configuration with <where> named when the JSON does not hold what is asked.
function(_gov_tracks_json out where mode)
  string(JSON value ERROR_VARIABLE error ${mode} "${json}" ${ARGN})
  if(NOT error STREQUAL "NOTFOUND")
    _gov_tracks_error("${where}: ${error}")
  endif()
  set(${out} "${value}" PARENT_SCOPE)
endfunction()

# A C++ string literal of <text>.
function(_gov_tracks_cxx_string out text)
  string(REPLACE "\\" "\\\\" text "${text}")
  string(REPLACE "\"" "\\\"" text "${text}")
  set(${out} "\"${text}\"" PARENT_SCOPE)
endfunction()

# Reads and checks data/tracks.json; sets GOV_TRACK_NAMES and GOV_TRACKS_CXX (the initializers)
# in the caller's scope.
function(_gov_read_tracks)
  if(NOT EXISTS ${GOV_TRACKS_FILE})
    message(FATAL_ERROR "${GOV_TRACKS_FILE} is missing: it lists the tracks (data/README.md)")
  endif()
  file(READ ${GOV_TRACKS_FILE} json)
  string(JSON root_type ERROR_VARIABLE error TYPE "${json}")
  if(NOT error STREQUAL "NOTFOUND")
    _gov_tracks_error("not valid JSON: ${error}")
  endif()
  if(NOT root_type STREQUAL "OBJECT")
    _gov_tracks_error("the top level is not an object {\"tracks\": [...]}")
  endif()
  _gov_tracks_json(root_keys "the top level" LENGTH)
  set(k 0)
  while(k LESS root_keys)
    _gov_tracks_json(key "the top level" MEMBER ${k})
    if(NOT key STREQUAL "tracks")
      _gov_tracks_error("unknown field \"${key}\" at the top level")
    endif()
    math(EXPR k "${k} + 1")
  endwhile()
  _gov_tracks_json(tracks_type "tracks" TYPE tracks)
  if(NOT tracks_type STREQUAL "ARRAY")
    _gov_tracks_error("tracks is not an array")
  endif()
  _gov_tracks_json(count "tracks" LENGTH tracks)
  if(count EQUAL 0)
    _gov_tracks_error("tracks is empty")
  endif()

  # field -> its JSON type
  set(fields name nameZh title grpcPort metricsPort rules)
  set(type_name STRING)
  set(type_nameZh STRING)
  set(type_title STRING)
  set(type_grpcPort NUMBER)
  set(type_metricsPort NUMBER)
  set(type_rules BOOLEAN)

  set(names)
  set(ports)
  set(cxx "")
  math(EXPR last "${count} - 1")
  foreach(i RANGE ${last})
    set(where "tracks[${i}]")
    _gov_tracks_json(track_type "${where}" TYPE tracks ${i})
    if(NOT track_type STREQUAL "OBJECT")
      _gov_tracks_error("${where} is not an object")
    endif()
    _gov_tracks_json(n_keys "${where}" LENGTH tracks ${i})
    set(k 0)
    while(k LESS n_keys)
      _gov_tracks_json(key "${where}" MEMBER tracks ${i} ${k})
      if(NOT key IN_LIST fields)
        _gov_tracks_error("${where}: unknown field \"${key}\"")
      endif()
      math(EXPR k "${k} + 1")
    endwhile()
    foreach(field ${fields})
      string(JSON type ERROR_VARIABLE error TYPE "${json}" tracks ${i} ${field})
      if(NOT error STREQUAL "NOTFOUND")
        _gov_tracks_error("${where}.${field} is missing")
      endif()
      if(NOT type STREQUAL type_${field})
        _gov_tracks_error("${where}.${field} is a ${type}, not a ${type_${field}}")
      endif()
      _gov_tracks_json(v_${field} "${where}.${field}" GET tracks ${i} ${field})
    endforeach()

    # A name is a directory, target, executable, Kubernetes object and label: lower-case letters
    # and digits.
    if(NOT v_name MATCHES "^[a-z][a-z0-9]*$")
      _gov_tracks_error("${where}.name \"${v_name}\" is not lower-case letters and digits")
    endif()
    if(v_name IN_LIST names)
      _gov_tracks_error("${where}.name: the track \"${v_name}\" is listed twice")
    endif()
    list(APPEND names ${v_name})
    foreach(field nameZh title)
      if(v_${field} STREQUAL "" OR v_${field} MATCHES "[\n\r\t]")
        _gov_tracks_error("${where}.${field} is empty or holds a line break or tab")
      endif()
    endforeach()
    foreach(field grpcPort metricsPort)
      set(port "${v_${field}}")
      if(NOT port MATCHES "^[1-9][0-9]*$" OR port GREATER 65535)
        _gov_tracks_error("${where}.${field} ${port} is not a port (1 to 65535)")
      endif()
      if(port IN_LIST ports)
        _gov_tracks_error("${where}.${field}: port ${port} is listed twice")
      endif()
      list(APPEND ports ${port})
    endforeach()
    if(v_rules)
      set(rules true)
    else()
      set(rules false)
    endif()

    _gov_tracks_cxx_string(name_cxx "${v_name}")
    _gov_tracks_cxx_string(zh_cxx "${v_nameZh}")
    _gov_tracks_cxx_string(title_cxx "${v_title}")
    string(APPEND cxx "{${name_cxx}, ${v_grpcPort}, ${v_metricsPort}, ${zh_cxx}, ${title_cxx}, "
      "${rules}},\n")
  endforeach()
  set(GOV_TRACK_NAMES ${names} PARENT_SCOPE)
  set(GOV_TRACKS_CXX "${cxx}" PARENT_SCOPE)
endfunction()

_gov_read_tracks()
list(JOIN GOV_TRACK_NAMES " " _gov_track_names_shown)
message(STATUS "Tracks (data/tracks.json): ${_gov_track_names_shown}")

# gov_tracks_write_inc(<file>): the tracks as initializers of config::TrackPorts, one a line in
# the file's order:
#   {"mediation", 7101, 9101, "诉源治理", "Dispute resolution at the source", false},
# Written only when its text changes, so that a configuration run rebuilds nothing by itself.
function(gov_tracks_write_inc file)
  set(text "// Generated by cmake/GovTrack.cmake from data/tracks.json: do not edit.\n")
  string(APPEND text "// {track, grpc_port, metrics_port, name_zh, title, has_rules}\n")
  string(APPEND text "${GOV_TRACKS_CXX}")
  set(old "")
  if(EXISTS ${file})
    file(READ ${file} old)
  endif()
  if(NOT old STREQUAL text)
    file(WRITE ${file} "${text}")
  endif()
endfunction()

# gov_add_track(<name> [SOURCES <file>...])
#
# The track <name> of data/tracks.json, from the CMakeLists.txt of services/<name>/:
#   - the static library gov_<name>: SOURCES, or else every *.cc of the folder but main.cc and
#     *_test.cc (a file(GLOB CONFIGURE_DEPENDS), as common/ and tests/ take theirs: a source
#     added or removed is picked up by the next build, with no list to keep in step); linked to
#     gov_common, compiled with ${GOV_WARNINGS}, and added to the global property
#     GOV_TRACK_LIBRARIES, by which tests/CMakeLists.txt links a track's tests
#     (<name>_*_test.cc) to it;
#   - the executable <name> from main.cc, linked to gov_<name>.
# A name that data/tracks.json does not list stops the configuration: the list comes first.
function(gov_add_track name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "SOURCES")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "gov_add_track(${name}): unexpected arguments "
      "\"${arg_UNPARSED_ARGUMENTS}\" (usage: gov_add_track(<name> [SOURCES <file>...]))")
  endif()
  if(NOT name IN_LIST GOV_TRACK_NAMES)
    list(JOIN GOV_TRACK_NAMES ", " known)
    message(FATAL_ERROR "gov_add_track(${name}) in ${CMAKE_CURRENT_LIST_FILE}: \"${name}\" is not "
      "a track of data/tracks.json (its tracks: ${known}). Add the track there first, with its "
      "ports (data/README.md), then regenerate the deploy files.")
  endif()
  get_filename_component(folder ${CMAKE_CURRENT_SOURCE_DIR} NAME)
  if(NOT folder STREQUAL name)
    message(FATAL_ERROR "gov_add_track(${name}) in ${CMAKE_CURRENT_LIST_FILE}: the track "
      "${name} lives in services/${name}/ (scripts/run.sh and the image find it there)")
  endif()
  if(NOT EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/main.cc)
    message(FATAL_ERROR "gov_add_track(${name}): ${CMAKE_CURRENT_SOURCE_DIR}/main.cc is missing")
  endif()
  if(arg_SOURCES)
    set(sources ${arg_SOURCES})
  else()
    file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
    list(FILTER sources EXCLUDE REGEX "/main\\.cc$")
    list(FILTER sources EXCLUDE REGEX "_test\\.cc$")
  endif()
  if(NOT sources)
    message(FATAL_ERROR "gov_add_track(${name}): no sources besides main.cc in "
      "${CMAKE_CURRENT_SOURCE_DIR}")
  endif()

  add_library(gov_${name} STATIC ${sources})
  target_link_libraries(gov_${name} PUBLIC gov_common)
  target_compile_options(gov_${name} PRIVATE ${GOV_WARNINGS})
  set_property(GLOBAL APPEND PROPERTY GOV_TRACK_LIBRARIES gov_${name})

  add_executable(${name} main.cc)
  target_link_libraries(${name} PRIVATE gov_${name})
  target_compile_options(${name} PRIVATE ${GOV_WARNINGS})
endfunction()
