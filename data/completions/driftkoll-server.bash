
# driftkoll-server COMMAND [OPTION…]
complete -F _driftkoll_complete_commands driftkoll-server
