#!/usr/bin/perl
# An independent DKIM verifier (Mail::DKIM, the library SpamAssassin's DKIM plugin uses):
# reads a message on stdin, asks the DNS server given as HOST PORT for keys, prints the result
# ("pass", "fail", "none", …) and its detail.
use strict;
use warnings;
use Mail::DKIM::Verifier;
use Mail::DKIM::DNS;
use Net::DNS::Resolver;

my ($host, $port) = @ARGV;
Mail::DKIM::DNS::resolver(Net::DNS::Resolver->new(
    nameservers => [$host], port => $port, udp_timeout => 3, tcp_timeout => 3, retry => 1));
my $dkim = Mail::DKIM::Verifier->new();
binmode STDIN;
while (my $line = <STDIN>) {
    $line =~ s/\015?\012/\015\012/;
    $dkim->PRINT($line);
}
$dkim->CLOSE;
print $dkim->result, "\n", $dkim->result_detail, "\n";
