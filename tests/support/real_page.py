"""The one real Atlas capture as the tests name it: its entities' paths under /id/, its title."""

KPALIME = "collectivity/tg/kpalime"
PARTNERSHIP = "partnership/000_907021ef8160d5c3"
TITLE = "Développement urbain économique et social de kpalimé (final)"
