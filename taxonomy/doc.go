// Package taxonomy holds the vocabulary a policy is written in: data
// categories (what data, e.g. user.contact.email), data uses (why, e.g.
// marketing.communications.email) and data subjects (whose, e.g. customer).
//
// The default vocabulary is the fideslang taxonomy by Ethyca (CC BY 4.0),
// embedded at a pinned version so a policy means the same thing on every
// build; a policy may extend it with its own keys under existing parents.
package taxonomy
