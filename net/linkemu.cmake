# The impaired-link emulator (TUN devices or netem between two network namespaces),
# and the lanconf-linkemu program that sets one up. Included from net/CMakeLists.txt.
add_library(lanconf-linkemu-lib STATIC
  ${CMAKE_CURRENT_LIST_DIR}/linkemu_spec.c
  ${CMAKE_CURRENT_LIST_DIR}/linkemu_queue.c
  ${CMAKE_CURRENT_LIST_DIR}/netns.c
  ${CMAKE_CURRENT_LIST_DIR}/netns_pair.c
  ${CMAKE_CURRENT_LIST_DIR}/linkemu_iface.c
  ${CMAKE_CURRENT_LIST_DIR}/linkemu_tun.c
  ${CMAKE_CURRENT_LIST_DIR}/linkemu_netem.c
  ${CMAKE_CURRENT_LIST_DIR}/linkemu.c
)
target_include_directories(lanconf-linkemu-lib PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(lanconf-linkemu-lib PUBLIC PkgConfig::GLIB PkgConfig::JSONGLIB)

add_executable(lanconf-linkemu ${PROJECT_SOURCE_DIR}/src/lanconf-linkemu.c)
target_link_libraries(lanconf-linkemu PRIVATE lanconf-linkemu-lib)
