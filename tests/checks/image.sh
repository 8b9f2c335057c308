#!/usr/bin/env bash
# The container recipe deploy/docker/Dockerfile, validated without a Docker engine against the
# binaries of a build directory (args: source dir, build dir):
#   - multi-stage on Debian 12; the build stage copies the repository, runs scripts/bootstrap.sh,
#     configures with Ninja, tests and benchmarks off, and names no track (every
#     services/<track>/ is installed by glob, so a new track needs no change to the recipe);
#   - the final stage: a numeric non-root USER (10001, which the Kubernetes manifests use), no
#     ENTRYPOINT, an exec-form CMD, no build tools among the packages it installs;
#   - coverage, the point of the check: ldd on every built service binary and on govctl, each
#     resolved library mapped to its Debian package with dpkg -S. A package providing a library
#     that a binary or one of the suite's own shared libraries links directly must be in the
#     final stage's apt-get install; any other must come with the dependencies of one installed
#     there; a library from the build tree must be among the files the build stage stages for the
#     final one. prometheus-cpp is Debian 12's package, or on a machine whose bootstrap took the
#     fallback, Debian 13's unpacked into a private prefix (/opt/governance/deps): the prefix's
#     record (var/lib/governance-deps/<package>.control and .list) names the package each of its
#     libraries comes from, and the image installs that package from Debian 12 all the same.
#     A package installed that no binary needs is an error too (only runtime libraries);
#   - the data files (data/*.json) are staged, .dockerignore keeps build trees, node_modules and
#     .git out of the context and the sources in;
#   - `docker build --check` when a Docker daemon answers (skipped with a message otherwise).
# GOV_DOCKERFILE points the check at another Dockerfile (for instance an edited copy).
set -Eeuo pipefail
# shellcheck source=tests/checks/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
check_init "image check"

[ "$#" -eq 2 ] || check_fail "usage: image.sh SOURCE_DIR BUILD_DIR"
src="$(cd "$1" && pwd -P)" || check_fail "no source directory $1"
build="$(cd "$2" && pwd -P)" || check_fail "no build directory $2"
dockerfile="${GOV_DOCKERFILE:-$src/deploy/docker/Dockerfile}"
# The bootstrap's private prefix exists only where it took the prometheus-cpp fallback.
deps_prefix="${GOV_DEPS_PREFIX:-/opt/governance/deps}"
if [ -d "$deps_prefix" ]; then deps_prefix="$(cd "$deps_prefix" && pwd -P)"; fi
deps_record="$deps_prefix/var/lib/governance-deps"
image_uid=10001

for tool in ldd readelf dpkg dpkg-query awk; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    check_fail "$tool is required (a Debian system with binutils)"
  fi
done
if [ ! -f "$dockerfile" ]; then
  check_fail "no Dockerfile at $dockerfile"
fi

errors=()
fail() { errors+=("$*"); }

# --- Parse the Dockerfile into logical instructions -------------------------------------------
# One line per instruction: "<INSTRUCTION>\t<arguments>", continuation lines joined, comment
# lines dropped (also inside a continued instruction, as Docker does).
mapfile -t parsed < <(awk '
  function emit(text,   word) {
    sub(/^[ \t]+/, "", text); sub(/[ \t]+$/, "", text)
    if (text == "") return
    word = text; sub(/[ \t].*$/, "", word)
    rest = substr(text, length(word) + 1); sub(/^[ \t]+/, "", rest)
    gsub(/[ \t]+/, " ", rest)
    printf "%s\t%s\n", toupper(word), rest
  }
  {
    line = $0; sub(/\r$/, "", line)
    if (line ~ /^[ \t]*#/) next
    if (line ~ /^[ \t]*$/) { if (buf == "") next; else next }
    if (line ~ /\\[ \t]*$/) { sub(/\\[ \t]*$/, "", line); buf = buf " " line; next }
    emit(buf " " line); buf = ""
  }
  END { if (buf != "") emit(buf) }
' "$dockerfile")

declare -a ins_op=() ins_arg=() ins_stage=() ins_workdir=()
declare -a stage_name=() stage_image=()
declare -A global_arg=() stage_arg_default=()
stage=-1
workdir=/
for line in "${parsed[@]}"; do
  op="${line%%$'\t'*}"
  arg="${line#*$'\t'}"
  if [ "$op" = FROM ]; then
    stage=$((stage + 1))
    workdir=/
    read -r -a words <<<"$arg"
    image=""
    name=""
    for ((i = 0; i < ${#words[@]}; i++)); do
      w="${words[$i]}"
      case "$w" in
        --*) ;;
        [Aa][Ss]) name="${words[$((i + 1))]:-}"; break ;;
        *) [ -z "$image" ] && image="$w" ;;
      esac
    done
    # Expand ${NAME} / $NAME from the global ARG defaults.
    for key in "${!global_arg[@]}"; do
      image="${image//\$\{$key\}/${global_arg[$key]}}"
      image="${image//\$$key/${global_arg[$key]}}"
    done
    stage_image[stage]="$image"
    stage_name[stage]="$name"
  elif [ "$op" = ARG ]; then
    if [[ "$arg" == *=* ]]; then
      key="${arg%%=*}"
      value="${arg#*=}"
      value="${value%\"}"
      value="${value#\"}"
      if [ "$stage" -lt 0 ]; then global_arg[$key]="$value"; else stage_arg_default["$stage:$key"]="$value"; fi
    fi
  elif [ "$op" = WORKDIR ]; then
    case "$arg" in
      /*) workdir="$arg" ;;
      *) workdir="${workdir%/}/$arg" ;;
    esac
  fi
  ins_op+=("$op")
  ins_arg+=("$arg")
  ins_stage+=("$stage")
  ins_workdir+=("$workdir")
done
stages=$((stage + 1))
final=$((stages - 1))
if [ "$stages" -lt 2 ]; then
  fail "the Dockerfile is not multi-stage ($stages FROM); the final stage must not carry the toolchain"
fi

# --- Base images: Debian 12 -------------------------------------------------------------------
for ((s = 0; s < stages; s++)); do
  image="${stage_image[$s]}"
  is_stage=0
  for ((t = 0; t < s; t++)); do [ "$image" = "${stage_name[$t]}" ] && is_stage=1; done
  [ "$is_stage" = 1 ] && continue
  if ! [[ "$image" =~ ^(docker\.io/)?(library/)?debian:(bookworm|12)([-.][A-Za-z0-9.-]*)?(@sha256:[0-9a-f]+)?$ ]]; then
    fail "stage $s (${stage_name[$s]:-unnamed}) is FROM \"$image\", not Debian 12 (debian:bookworm-slim or debian:12)"
  fi
done

# --- Which stages the final stage copies from ---------------------------------------------------
declare -A from_stage=()
final_copies_from_build=0
for ((i = 0; i < ${#ins_op[@]}; i++)); do
  [ "${ins_stage[$i]}" = "$final" ] || continue
  [ "${ins_op[$i]}" = COPY ] || continue
  read -r -a words <<<"${ins_arg[$i]}"
  for w in "${words[@]}"; do
    case "$w" in
      --from=*)
        ref="${w#--from=}"
        for ((s = 0; s < final; s++)); do
          if [ "$ref" = "${stage_name[$s]}" ] || [ "$ref" = "$s" ]; then
            from_stage[$s]=1
            final_copies_from_build=1
          fi
        done
        ;;
    esac
  done
done
if [ "$final_copies_from_build" = 0 ]; then
  fail "the final stage copies nothing from an earlier stage (COPY --from=<build stage>)"
fi
in_build_stage() { [ -n "${from_stage[${ins_stage[$1]}]:-}" ]; }

# Tokens of a shell command, quotes, redirections and separators removed.
tokens_of() {
  local text="$1"
  text="${text//\"/}"
  text="${text//\'/}"
  text="$(printf '%s' "$text" | tr ';&|()<>[],' '          ')"
  local words=()
  read -r -a words <<<"$text"
  [ "${#words[@]}" -eq 0 ] || printf '%s\n' "${words[@]}"
}

# --- Build stage: repository copy, bootstrap, CMake configure and build -------------------------
docker_src=""
docker_build=""
bootstrap_at=-1
configure_at=-1
build_at=-1
build_type=""
copy_bootstrap_at=-1
declare -a staging_globs=()
for ((i = 0; i < ${#ins_op[@]}; i++)); do
  in_build_stage "$i" || continue
  op="${ins_op[$i]}"
  arg="${ins_arg[$i]}"
  wd="${ins_workdir[$i]}"
  if [ "$op" = COPY ] && [[ " $arg " != *" --from="* ]]; then
    read -r -a words <<<"$arg"
    dest="${words[${#words[@]} - 1]}"
    case "$dest" in /*) ;; .) dest="$wd" ;; *) dest="${wd%/}/$dest" ;; esac
    for ((k = 0; k < ${#words[@]} - 1; k++)); do
      case "${words[$k]}" in
        . | ./) docker_src="${dest%/}"; [ "$copy_bootstrap_at" -lt 0 ] && copy_bootstrap_at=$i ;;
        scripts/bootstrap.sh) [ "$copy_bootstrap_at" -lt 0 ] && copy_bootstrap_at=$i ;;
      esac
    done
  fi
  [ "$op" = RUN ] || continue
  if [[ "$arg" == *scripts/bootstrap.sh* ]] && [ "$bootstrap_at" -lt 0 ]; then bootstrap_at=$i; fi
  mapfile -t toks < <(tokens_of "$arg")
  for ((k = 0; k < ${#toks[@]}; k++)); do
    tok="${toks[$k]}"
    if [ "$tok" = cmake ] && [ "$configure_at" -lt 0 ]; then
      for ((m = k + 1; m < ${#toks[@]}; m++)); do
        case "${toks[$m]}" in
          -B) docker_build="${toks[$((m + 1))]:-}"; configure_at=$i ;;
          -B*) docker_build="${toks[$m]#-B}"; configure_at=$i ;;
          cmake) break ;;
        esac
      done
    fi
    case "$tok" in
      --build) build_at=$i ;;
      ninja) build_at=$i ;;
      -DCMAKE_BUILD_TYPE=*) build_type="${tok#-DCMAKE_BUILD_TYPE=}" ;;
    esac
    # Staging sources: literal paths (globs allowed), relative ones against the WORKDIR.
    case "$tok" in
      *'$'* | -* | '') ;;
      /*) staging_globs+=("$tok") ;;
      */*) staging_globs+=("${wd%/}/$tok") ;;
    esac
  done
done
if [ -z "$docker_src" ]; then
  fail "the build stage does not copy the repository (COPY . <dir>)"
fi
if [ "$bootstrap_at" -lt 0 ]; then
  fail "the build stage does not run scripts/bootstrap.sh (the path of a fresh machine)"
elif [ "$copy_bootstrap_at" -lt 0 ] || [ "$copy_bootstrap_at" -gt "$bootstrap_at" ]; then
  fail "the build stage runs scripts/bootstrap.sh before copying it into the image"
fi
if [ "$configure_at" -lt 0 ] || [ -z "$docker_build" ]; then
  fail "the build stage does not configure with cmake -B <build dir>"
else
  case "$docker_build" in /*) ;; *) docker_build="${ins_workdir[$configure_at]%/}/$docker_build" ;; esac
  docker_build="${docker_build%/}"
  configure="${ins_arg[$configure_at]}"
  for opt in GOV_BUILD_TESTS GOV_BUILD_BENCH; do
    if ! grep -Eq "^[[:space:]]*option\(${opt}[[:space:]]" "$src/CMakeLists.txt"; then
      fail "CMakeLists.txt has no option $opt, which the image configure relies on"
    fi
    if [[ "$configure" != *"-D$opt=OFF"* ]]; then
      fail "the image configure does not pass -D$opt=OFF"
    fi
  done
  if [[ "$configure" != *"-G Ninja"* ]] && [[ "$configure" != *"-GNinja"* ]]; then
    fail "the image configure does not use the Ninja generator (-G Ninja)"
  fi
  if [[ "$build_type" =~ ^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$ ]]; then
    build_type="${stage_arg_default["${ins_stage[$configure_at]}:${BASH_REMATCH[1]}"]:-}"
  fi
  case "$build_type" in
    Release | RelWithDebInfo | MinSizeRel) ;;
    *) fail "the image configure has CMAKE_BUILD_TYPE \"$build_type\", not Release or RelWithDebInfo" ;;
  esac
  if [ "$bootstrap_at" -ge 0 ] && [ "$configure_at" -lt "$bootstrap_at" ]; then
    fail "the build stage configures before running scripts/bootstrap.sh"
  fi
fi
if [ "$build_at" -lt 0 ]; then
  fail "the build stage never builds (cmake --build or ninja)"
fi

# Does the build stage stage this path (as seen inside the build stage) for the final stage?
staged() {
  local path="$1" glob
  for glob in "${staging_globs[@]}"; do
    # shellcheck disable=SC2053
    [[ "$path" == $glob ]] && return 0
    if [[ "$glob" == */ && "$glob" == *'*'* && "$path" == $glob* ]]; then return 0; fi
  done
  return 1
}

# Where a host file of the source tree or the build tree is in the build stage; empty when it is
# neither.
image_path() {
  local p="$1"
  if [ -n "$docker_build" ] && [[ "$p" == "$build"/* ]]; then
    echo "$docker_build/${p#"$build"/}"
  elif [ -n "$docker_src" ] && [[ "$p" == "$src"/* ]]; then
    echo "$docker_src/${p#"$src"/}"
  fi
}

# --- Tracks: built, installed by glob, never named ----------------------------------------------
binaries=()
tracks=()
for dir in "$src"/services/*/; do
  [ -f "$dir/CMakeLists.txt" ] || continue
  track="$(basename "$dir")"
  tracks+=("$track")
  bin="$build/services/$track/$track"
  if [ -x "$bin" ] && [ -f "$bin" ]; then binaries+=("$bin"); else
    fail "track $track: $bin is not built (build the build directory first)"
  fi
done
if [ -x "$build/tools/govctl/govctl" ]; then binaries+=("$build/tools/govctl/govctl"); else
  fail "govctl: $build/tools/govctl/govctl is not built"
fi
if [ "${#tracks[@]}" -eq 0 ]; then
  fail "no track under $src/services/*/: nothing to check the image against"
fi
for track in "${tracks[@]}"; do
  for ((i = 0; i < ${#ins_op[@]}; i++)); do
    [ "${ins_op[$i]}" = LABEL ] && continue
    if [[ " ${ins_arg[$i]} " =~ [^A-Za-z0-9_]${track}[^A-Za-z0-9_] ]]; then
      fail "the Dockerfile names track \"$track\" (${ins_op[$i]} ${ins_arg[$i]:0:80}...): install every services/<track>/ by glob so that a new track needs no change"
      break
    fi
  done
done
for bin in "${binaries[@]}"; do
  ipath="$(image_path "$bin")"
  if [ -z "$ipath" ] || ! staged "$ipath"; then
    fail "${bin#"$build"/}: not among the files the build stage stages (${ipath:-outside the build dir})"
  fi
done

# --- Final stage: user, entrypoint, packages ----------------------------------------------------
final_user=""
final_pkgs=()
have_cmd=0
for ((i = 0; i < ${#ins_op[@]}; i++)); do
  [ "${ins_stage[$i]}" = "$final" ] || continue
  op="${ins_op[$i]}"
  arg="${ins_arg[$i]}"
  case "$op" in
    USER) final_user="$arg" ;;
    ENTRYPOINT) fail "the final stage sets ENTRYPOINT $arg: the track is chosen by the Kubernetes command: (no entrypoint)" ;;
    CMD)
      have_cmd=1
      [[ "$arg" == \[* ]] || fail "CMD $arg is in shell form: use the exec form [\"/usr/local/bin/...\", ...]"
      ;;
    COPY | ADD)
      if [[ " $arg " != *" --from="* ]]; then
        read -r -a words <<<"$arg"
        for ((k = 0; k < ${#words[@]} - 1; k++)); do
          case "${words[$k]}" in
            --*) ;;
            . | ./ | '*') fail "the final stage copies the whole build context ($op $arg)" ;;
          esac
        done
      fi
      ;;
    RUN)
      case "$arg" in
        *scripts/bootstrap.sh*) fail "the final stage runs scripts/bootstrap.sh (the toolchain belongs in the build stage)" ;;
      esac
      # Packages of every apt-get/apt install in the stage.
      while IFS= read -r segment; do
        read -r -a words <<<"$segment"
        seen_install=0
        for ((k = 0; k < ${#words[@]}; k++)); do
          w="${words[$k]}"
          if [ "$seen_install" = 0 ]; then
            if { [ "$w" = apt-get ] || [ "$w" = apt ]; } && [ "${words[$((k + 1))]:-}" = install ]; then
              seen_install=1
              k=$((k + 1))
            fi
            continue
          fi
          case "$w" in
            -*) ;;
            *) w="${w%%=*}"; final_pkgs+=("${w%%:*}") ;;
          esac
        done
      done < <(printf '%s\n' "$arg" | sed -e 's/&&/\n/g' -e 's/||/\n/g' -e 's/;/\n/g' -e 's/|/\n/g')
      ;;
  esac
done
if [ -z "$final_user" ]; then
  fail "the final stage has no USER: it would run as root"
elif ! [[ "$final_user" =~ ^([0-9]+)(:([0-9]+))?$ ]]; then
  fail "the final stage's USER \"$final_user\" is not numeric (Kubernetes runAsNonRoot needs a numeric UID)"
elif [ "${BASH_REMATCH[1]}" = 0 ] || [ "${BASH_REMATCH[3]:-x}" = 0 ]; then
  fail "the final stage runs as root (USER $final_user)"
elif [ "${BASH_REMATCH[1]}" != "$image_uid" ]; then
  fail "the final stage's USER $final_user is not UID $image_uid, which the Kubernetes manifests use"
fi
[ "$have_cmd" = 1 ] || fail "the final stage has no CMD (a sensible default: govctl --help)"
if [ "${#final_pkgs[@]}" -eq 0 ]; then
  fail "the final stage installs no runtime packages (apt-get install)"
fi
declare -A final_set=()
for p in "${final_pkgs[@]}"; do
  final_set[$p]=1
  if [[ "$p" =~ -dev$|-dbg$|^(build-essential|gcc|g\+\+|cpp|clang|llvm|cmake|ninja-build|make|pkg-config|pkgconf|libtool|autoconf|automake|git|nodejs|npm|gdb|protobuf-compiler|protobuf-compiler-grpc)$|^(gcc|g\+\+|cpp|clang|llvm|binutils)- ]] ||
    [ "$p" = binutils ]; then
    fail "the final stage installs build tool or development package $p"
  fi
done

# --- Coverage: ldd + dpkg -S ---------------------------------------------------------------------
# The installed package database, once: status and dependencies by name.
declare -A pkg_status=() pkg_deps=()
while IFS=$'\t' read -r name status deps; do
  pkg_status[$name]="$status"
  pkg_deps[$name]="${pkg_deps[$name]:-}, $deps"
done < <(dpkg-query -W -f='${Package}\t${db:Status-Status}\t${Pre-Depends}, ${Depends}\n')

# The private prefix's packages (the prometheus-cpp fallback): their files and dependencies, from
# the record the bootstrap wrote when it unpacked them.
declare -A prefix_owner=()
if [ -d "$deps_record" ]; then
  for control in "$deps_record"/*.control; do
    [ -f "$control" ] || continue
    name="$(basename "$control" .control)"
    deps="$(awk -F': ' '$1 == "Depends" || $1 == "Pre-Depends" { printf "%s, ", $2 }' "$control")"
    pkg_deps[$name]="${pkg_deps[$name]:-}, $deps"
    [ -f "$deps_record/$name.list" ] || check_fail "$deps_record/$name.list is missing: run scripts/bootstrap.sh again"
    while IFS= read -r path; do
      prefix_owner["$deps_prefix$path"]="$name"
    done <"$deps_record/$name.list"
  done
fi

# Owners of library files (dpkg -S, all at once: one call per path is slow). Paths are tried as
# resolved, as linked and with or without /usr (merged /usr: dpkg knows one spelling).
declare -A owner=()
load_owners() {
  local cands=() f cand line
  for f in "$@"; do
    for cand in "$f" "$(readlink -f "$f")"; do
      cands+=("$cand" "/usr$cand" "${cand#/usr}")
    done
  done
  while IFS= read -r line; do
    [[ "$line" == *': /'* ]] || continue
    [[ "$line" == 'diversion by'* ]] && continue
    local pkg="${line%%: /*}" path="/${line#*: /}"
    pkg="${pkg%%,*}"
    owner[$path]="${pkg%%:*}"
  done < <(dpkg -S "${cands[@]}" 2>/dev/null || true)
}
package_of() {
  local f="$1" cand p
  for cand in "$f" "$(readlink -f "$f")"; do
    if [ -n "${prefix_owner[$cand]:-}" ]; then
      echo "${prefix_owner[$cand]}"
      return
    fi
    for p in "$cand" "/usr$cand" "${cand#/usr}"; do
      if [ -n "${owner[$p]:-}" ]; then
        echo "${owner[$p]}"
        return
      fi
    done
  done
}

declare -A lib_path=()   # soname -> resolved path
declare -A needs=()      # soname -> who links it directly
elf_files=()
for bin in "${binaries[@]}"; do
  elf_files+=("$bin")
  while IFS= read -r l; do
    if [[ "$l" =~ ^[[:space:]]*([^[:space:]]+)[[:space:]]=\>[[:space:]]not[[:space:]]found ]]; then
      fail "${bin#"$build"/}: ldd cannot resolve ${BASH_REMATCH[1]} on this machine"
    elif [[ "$l" =~ ^[[:space:]]*([^[:space:]]+)[[:space:]]=\>[[:space:]](/[^[:space:]]+) ]]; then
      [ -n "${lib_path[${BASH_REMATCH[1]}]:-}" ] || lib_path[${BASH_REMATCH[1]}]="${BASH_REMATCH[2]}"
    elif [[ "$l" =~ ^[[:space:]]*(/[^[:space:]]+)[[:space:]]\( ]]; then
      so="$(basename "${BASH_REMATCH[1]}")"
      [ -n "${lib_path[$so]:-}" ] || lib_path[$so]="${BASH_REMATCH[1]}"
    fi
  done < <(ldd "$bin")
done

load_owners "${lib_path[@]}"

# The suite's own libraries (not from a package) link their needs directly too.
declare -A private=()
for so in "${!lib_path[@]}"; do
  path="${lib_path[$so]}"
  if [ -z "$(package_of "$path")" ]; then
    private[$so]=1
    elf_files+=("$(readlink -f "$path")")
  fi
done
for f in "${elf_files[@]}"; do
  who="${f#"$build"/}"
  while IFS= read -r so; do
    needs[$so]="${needs[$so]:+${needs[$so]}, }$(basename "$who")"
  done < <(readelf -d --wide "$f" | awk '/\(NEEDED\)/ { v = $NF; gsub(/[][]/, "", v); print v }')
done

declare -A needed_pkg=() direct_pkg=() pkg_example=()
for so in "${!lib_path[@]}"; do
  path="${lib_path[$so]}"
  if [ -n "${private[$so]:-}" ]; then
    real="$(readlink -f "$path")"
    ipath="$(image_path "$path")"
    ireal="$(image_path "$real")"
    if [[ "$path" == "$deps_prefix"/* ]]; then
      fail "$so ($path) is in the private prefix $deps_prefix, whose record ($deps_record) does not name its package: run scripts/bootstrap.sh again"
    elif [ -z "$ipath" ]; then
      fail "$so ($path) belongs to no Debian package and is not in the build dir: the image cannot provide it"
    elif ! staged "$ipath" || ! staged "$ireal"; then
      fail "$so ($path, linked by ${needs[$so]:-a dependency}) is not among the files the build stage copies for the final stage (expected a staging path matching $ipath and $ireal)"
    fi
    continue
  fi
  pkg="$(package_of "$path")"
  needed_pkg[$pkg]=1
  pkg_example[$pkg]="${pkg_example[$pkg]:-$so}"
  if [ -n "${needs[$so]:-}" ]; then
    direct_pkg[$pkg]="${direct_pkg[$pkg]:+${direct_pkg[$pkg]}; }$so for ${needs[$so]}"
  fi
done
if [ "${#needed_pkg[@]}" -eq 0 ]; then
  fail "ldd found no packaged library at all: the coverage check would be vacuous"
fi

# Dependency closure of the final stage's packages (Pre-Depends and Depends; of alternatives the
# one installed here).
declare -A closure=()
queue=("${final_pkgs[@]}")
while [ "${#queue[@]}" -gt 0 ]; do
  p="${queue[0]}"
  queue=("${queue[@]:1}")
  [ -n "${closure[$p]:-}" ] && continue
  closure[$p]=1
  IFS=',' read -r -a groups <<<"${pkg_deps[$p]:-}"
  for group in "${groups[@]}"; do
    IFS='|' read -r -a alts <<<"$group"
    for alt in "${alts[@]}"; do
      alt="${alt%%(*}"
      alt="${alt//[[:space:]]/}"
      alt="${alt%%:*}"
      [ -n "$alt" ] || continue
      if [ "${pkg_status[$alt]:-}" = installed ]; then
        queue+=("$alt")
        break
      fi
    done
  done
done

uncovered=()
for pkg in $(printf '%s\n' "${!needed_pkg[@]}" | sort); do
  if [ -n "${direct_pkg[$pkg]:-}" ]; then
    if [ -z "${final_set[$pkg]:-}" ]; then
      fail "package $pkg is missing from the final stage's apt-get install (provides ${direct_pkg[$pkg]})"
    fi
  elif [ -z "${closure[$pkg]:-}" ]; then
    uncovered+=("$pkg (${pkg_example[$pkg]})")
  fi
done
if [ "${#uncovered[@]}" -ne 0 ]; then
  fail "needed indirectly, but neither installed by the final stage nor a dependency of a package it installs: ${uncovered[*]}"
fi
for pkg in "${final_pkgs[@]}"; do
  if [ -z "${needed_pkg[$pkg]:-}" ]; then
    fail "the final stage installs $pkg, which no binary needs (only runtime libraries belong there)"
  fi
done

# --- Data files ------------------------------------------------------------------------------------
data_files=("$src"/data/*.json)
for f in "${data_files[@]}"; do
  [ -f "$f" ] || { fail "no data files under $src/data"; break; }
  ipath="$(image_path "$f")"
  if [ -z "$ipath" ] || ! staged "$ipath"; then
    fail "data file ${f#"$src"/} is not among the files the build stage stages"
  fi
done
if ! grep -q '/usr/share/governance' "$dockerfile"; then
  fail "the data files do not go to /usr/share/governance"
fi

# --- .dockerignore -------------------------------------------------------------------------------
ignore_file="$src/.dockerignore"
if [ ! -f "$ignore_file" ]; then
  fail "no .dockerignore at the repository root: build trees and node_modules would be sent"
else
  mapfile -t patterns < <(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' -e '/^!/d' \
    -e 's#^/##' -e 's#/$##' "$ignore_file")
  ignored() {
    local path="$1" prefix="" part pat
    IFS='/' read -r -a parts <<<"$path"
    for part in "${parts[@]}"; do
      prefix="${prefix:+$prefix/}$part"
      for pat in "${patterns[@]}"; do
        if [[ "$pat" == '**/'* ]]; then
          # shellcheck disable=SC2053
          [[ "$prefix" == ${pat#\*\*/} || "$prefix" == */${pat#\*\*/} ]] && return 0
        else
          # shellcheck disable=SC2053
          [[ "$prefix" == $pat ]] && return 0
        fi
      done
    done
    return 1
  }
  keep=(CMakeLists.txt cmake scripts/bootstrap.sh package.json package-lock.json protos common
    services tools data/regions.json data/holidays.json data/tracks.json)
  for path in "${keep[@]}"; do
    ignored "$path" && fail ".dockerignore excludes $path, which the image build needs"
  done
  drop=(.git node_modules .run build bench/results services/mediation/node_modules)
  [[ "$build" == "$src"/* ]] && drop+=("${build#"$src"/}")
  for path in "${drop[@]}"; do
    ignored "$path" || fail ".dockerignore does not exclude $path"
  done
fi

# --- docker build --check, when a daemon answers ---------------------------------------------------
if command -v docker >/dev/null 2>&1 && timeout 10 docker info >/dev/null 2>&1; then
  if ! docker build --check -f "$dockerfile" "$src"; then
    fail "docker build --check reports problems (above)"
  fi
else
  echo "image check: no Docker daemon answers; skipping docker build --check"
fi

if [ "${#errors[@]}" -ne 0 ]; then
  echo "image check: $dockerfile:" >&2
  printf '  %s\n' "${errors[@]}" >&2
  check_fail "${#errors[@]} problems (above)"
fi
echo "image check: ${#binaries[@]} binaries (${tracks[*]} + govctl), ${#lib_path[@]} libraries," \
  "${#needed_pkg[@]} Debian packages (${#final_pkgs[@]} installed explicitly: ${final_pkgs[*]})," \
  "${#private[@]} staged private libraries: ok"
