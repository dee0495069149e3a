/**
 * Mail handed to Tern on this host rather than over the network: the sendmail-compatible
 * command ({@code tern sendmail}, a loopback SMTP client) and the Pickup directory of the
 * IIS SMTP service ({@code <dataDir>/pickup/}). Both take the envelope from the message's
 * header fields when they are not told it ({@code -t}; a pickup file without
 * {@code x-sender}/{@code x-receiver}).
 */
package tern.submission;
