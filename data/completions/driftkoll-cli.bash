
# driftkoll-cli [--server URL] [--data-dir DIR] COMMAND [OPTION…]
complete -F _driftkoll_complete_commands driftkoll-cli
