# Checks that every room under SOURCE_DIR uses exactly what its CMakeLists.txt
# declares: the rooms it includes headers of ("rlvr/<room>/...") are its DEPS,
# and the heavy libraries it includes (libtorch, GiNaC, GMP, simdjson, toml++)
# are declared (TORCH, LIBS). A room that includes an undeclared room fails,
# and so does a declaration nothing uses, so the DEPS lists stay the true
# layering that docs/ARCHITECTURE.md shows.
#   cmake -DSOURCE_DIR=src/rlvr -P cmake/check_layering.cmake
cmake_minimum_required(VERSION 3.25)
if(NOT SOURCE_DIR)
  message(FATAL_ERROR "check_layering: set -DSOURCE_DIR=<folder of rooms>")
endif()

# include prefix -> what the room must declare for it
set(library_headers "torch/" "ginac/" "gmpxx.h" "simdjson.h" "toml++/")
set(library_names   "TORCH" "PkgConfig::GINAC" "PkgConfig::GMPXX" "simdjson::simdjson" "tomlplusplus::tomlplusplus")

set(problems "")
file(GLOB room_lists ${SOURCE_DIR}/*/CMakeLists.txt)
foreach(list_file ${room_lists})
  get_filename_component(room_dir ${list_file} DIRECTORY)
  get_filename_component(room ${room_dir} NAME)
  file(READ ${list_file} text)
  if(NOT text MATCHES "rlvr_add_room\\(([a-z_]+)([^)]*)\\)")
    continue()
  endif()
  string(REGEX REPLACE "[ \t\r\n]+" ";" words "${CMAKE_MATCH_2}")
  # Rooms are spelt as their targets (rlvr_<room>), so that rooms and
  # libraries are compared in one pass.
  set(declared "")
  set(section "")
  foreach(word ${words})
    if(word STREQUAL "DEPS" OR word STREQUAL "LIBS")
      set(section ${word})
    elseif(word STREQUAL "TORCH" OR (section STREQUAL "DEPS" AND word MATCHES "^rlvr_") OR section STREQUAL "LIBS")
      list(APPEND declared ${word})
    endif()
  endforeach()

  set(used "")
  file(GLOB_RECURSE sources ${room_dir}/*.cpp ${room_dir}/*.h)
  foreach(source ${sources})
    file(STRINGS ${source} includes REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]")
    foreach(line ${includes})
      if(line MATCHES "\"rlvr/([a-z_0-9]+)/")
        if(NOT CMAKE_MATCH_1 STREQUAL room)
          list(APPEND used rlvr_${CMAKE_MATCH_1})
        endif()
      elseif(line MATCHES "<([^>]+)>")
        set(header ${CMAKE_MATCH_1})
        foreach(prefix name IN ZIP_LISTS library_headers library_names)
          string(FIND "${header}" "${prefix}" at)
          if(at EQUAL 0)
            list(APPEND used ${name})
          endif()
        endforeach()
      endif()
    endforeach()
  endforeach()
  list(REMOVE_DUPLICATES used)

  foreach(name ${used})
    if(NOT name IN_LIST declared)
      list(APPEND problems "room '${room}' includes headers of ${name} but does not declare it")
    endif()
  endforeach()
  # Only rooms and the heavy libraries are known by their headers; other LIBS
  # (fmt, nlohmann_json, Threads) are not checked for use.
  foreach(name ${declared})
    if((name MATCHES "^rlvr_" OR name IN_LIST library_names) AND NOT name IN_LIST used)
      list(APPEND problems "room '${room}' declares ${name} but includes none of its headers")
    endif()
  endforeach()
endforeach()

if(problems)
  list(JOIN problems "\n  " text)
  message(FATAL_ERROR "layering check failed:\n  ${text}")
endif()
message(STATUS "layering check: every room uses exactly what it declares")
