// Package jurisdiction is the table of privacy laws privet knows: which rights
// each law grants, how long a controller has to answer, how far that may be
// extended, the age of digital consent, and the other rules that change what
// the engine must do for a person in that place.
//
// The table is code, not configuration, so every value sits next to the
// article or section it comes from and a change to it is reviewed like code.
// It states what the statutes and regulations say as of its last review; it is
// not legal advice, and a policy may be stricter than the law but never laxer.
package jurisdiction
