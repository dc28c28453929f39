# A "room" is one folder under src/rlvr with one job; it becomes the library
# rlvr_<name>, built from every .cpp in the folder. Rooms name the rooms they
# use, so a test of one room links only what that room needs.
function(rlvr_add_room name)
  cmake_parse_arguments(ROOM "TORCH" "" "DEPS;LIBS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  set(target rlvr_${name})
  if(sources)
    add_library(${target} STATIC ${sources})
    target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(${target} PUBLIC ${ROOM_DEPS} ${ROOM_LIBS})
    if(NOT ROOM_TORCH)
      # The torch-free rooms also go into the Python extension module, a shared object.
      set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON)
    endif()
    if(ROOM_TORCH)
      target_link_libraries(${target} PUBLIC ${TORCH_LIBRARIES})
      # torch/torch.h costs seconds per file; a precompiled header pays it once.
      target_precompile_headers(${target} PRIVATE <torch/torch.h>)
    endif()
  else()
    add_library(${target} INTERFACE)
    target_include_directories(${target} INTERFACE ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(${target} INTERFACE ${ROOM_DEPS} ${ROOM_LIBS})
  endif()
  set_property(GLOBAL APPEND PROPERTY RLVR_ROOMS ${target})
endfunction()
