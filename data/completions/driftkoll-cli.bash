
# driftkoll-cli [--server URL] [--data-dir DIR] COMMAND [OPTION…]

# "report" reports; "report ack|close REPORT" are for report handlers, and its --help
# lists only the options of the first.
_driftkoll_cli_hidden_commands ()
{
    [[ $# -eq 2 && $2 == report ]] && _dk_commands+=(ack close)
}
complete -F _driftkoll_complete_commands driftkoll-cli
