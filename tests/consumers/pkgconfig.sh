#!/usr/bin/env bash
# Consumer test (b): tests/consumers/pkgconfig.sh BUILDDIR WORKDIR
# Installs BUILDDIR with `meson install --destdir WORKDIR/dest` and builds the quickstart the way a
# project without meson does, with `g++ -std=c++20 ... $(pkg-config --cflags --libs nextorm)`,
# then runs it from that non-system prefix (once through an rpath, once through
# LD_LIBRARY_PATH). Also checks that without -std=c++20 the compiler says that C++20 is needed,
# and that `pkg-config --static` names the libraries a static libnextorm needs.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd)
work=$2
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)  # meson install -C changes directory
fail() { echo "consumer-pkgconfig: $*"; exit 1; }
t0=$SECONDS
meson install -C "$build" --destdir "$work/dest" --no-rebuild >"$work/install.log" 2>&1 ||
    { tail -n 30 "$work/install.log"; fail "meson install failed"; }
pc=$(find "$work/dest" -name nextorm.pc)
[[ -n $pc ]] || fail "no nextorm.pc installed"
# The .pc names the install prefix; the sysroot variable points its -I and -L into the destdir.
export PKG_CONFIG_PATH=${pc%/*} PKG_CONFIG_SYSROOT_DIR=$work/dest
flags=$(pkg-config --cflags --libs nextorm) || fail "pkg-config --cflags --libs nextorm failed"
echo "pkg-config --cflags --libs nextorm: $flags"
static=$(pkg-config --static --libs nextorm)
echo "pkg-config --static --libs nextorm: $static"
for lib in -lsqlite3; do
    [[ " $static " == *" $lib "* ]] || fail "pkg-config --static does not name $lib"
done
libdir=$(pkg-config --libs-only-L nextorm)
libdir=${libdir#-L}
libdir=${libdir%% *}
[[ -f $libdir/libnextorm.so ]] || fail "no libnextorm.so in $libdir"

cxx=(${CXX:-g++})
command -v ccache >/dev/null && [[ ${cxx[0]} != ccache ]] && cxx=(ccache "${cxx[@]}")
qs=$root/examples/quickstart.cpp
# g++ 12 defaults to C++17: the umbrella header must say what is wrong, in its first error.
# shellcheck disable=SC2086  # $flags is word-split on purpose, as in a makefile
if "${cxx[@]}" -c "$qs" -o "$work/std17.o" $flags >"$work/std17.log" 2>&1; then
    fail "the quickstart compiled without -std=c++20"
fi
grep -m1 'error' "$work/std17.log" | grep -q 'NextORM needs C++20' ||
    { head -n 5 "$work/std17.log"; fail "no clear message without -std=c++20"; }
echo "consumer-pkgconfig: without -std=c++20: $(grep -m1 -o 'NextORM needs C++20[^"]*' "$work/std17.log")"

# A C++ entity with two bases (PonyORM's multiple inheritance, which the JSON schema declares)
# does not compile, and the first error says so.
cat >"$work/two_bases.cpp" <<'CPP'
#include <nextorm/nextorm.hpp>
struct Person : nextorm::entity<Person> { nextorm::Req<std::string> name{"name"}; };
struct Student : nextorm::entity<Student, Person> {};
struct Teacher : nextorm::entity<Teacher, Person> {};
struct Assistant : nextorm::entity<Assistant, Student, Teacher> {};
int main() { return 0; }
CPP
# shellcheck disable=SC2086
if "${cxx[@]}" -std=c++20 -c "$work/two_bases.cpp" -o "$work/two_bases.o" $flags \
        >"$work/two_bases.log" 2>&1; then
    fail "an entity with two bases compiled"
fi
grep -q 'a C++ entity has one base' "$work/two_bases.log" ||
    { head -n 5 "$work/two_bases.log"; fail "no clear message for an entity with two bases"; }
echo "consumer-pkgconfig: an entity with two bases: $(grep -m1 -o 'a C++ entity has one base[^"]*' "$work/two_bases.log")"

t1=$SECONDS
# shellcheck disable=SC2086
"${cxx[@]}" -std=c++20 "$qs" -o "$work/quickstart-rpath" $flags -Wl,-rpath,"$libdir" ||
    fail "the quickstart does not compile with pkg-config's flags"
# shellcheck disable=SC2086
"${cxx[@]}" -std=c++20 "$qs" -o "$work/quickstart" $flags || fail "second link failed"
echo "consumer-pkgconfig: install $((t1 - t0)) s, compiling the quickstart twice $((SECONDS - t1)) s"
for run in "env -u LD_LIBRARY_PATH $work/quickstart-rpath" \
           "env LD_LIBRARY_PATH=$libdir $work/quickstart"; do
    out=$($run) || fail "$run failed"
    grep -q '^Widget costs 9.5' <<<"$out" || fail "$run printed: $out"
    echo "consumer-pkgconfig: ran: $run"
done
