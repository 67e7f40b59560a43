// Package policy loads, validates, explains, diffs and renders a privacy
// policy written as code (YAML). A Policy is the compiled, validated form the
// rest of privet consults: which categories are collected, which purpose may
// read which category on which lawful basis, what consent each purpose needs
// in each jurisdiction, who receives what, how long data is kept, and which
// rights people have and how fast they are answered.
package policy

// Policy is one version of a controller's privacy policy. Field names are the
// YAML keys; docs/policy.md documents each, and schema/policy.schema.json
// describes the same shape for editors.
type Policy struct {
	// Version names this version of the policy, e.g. "2024-03-01" or "3.2".
	Version string `yaml:"version" json:"version"`
	// Effective is the date (YYYY-MM-DD) this version takes effect.
	Effective string `yaml:"effective" json:"effective"`
	// Service is a short name for the service the policy covers.
	Service string `yaml:"service" json:"service"`

	Controller Controller `yaml:"controller" json:"controller"`
	// Role is "controller", or "processor" when the tenant processes data on
	// behalf of the Clients listed. A controller may list Clients too: the
	// businesses it serves as a processor or service provider, to whom the
	// requests of their end users are referred.
	Role    string   `yaml:"role" json:"role"`
	Clients []Client `yaml:"clients,omitempty" json:"clients,omitempty"`

	// Jurisdictions lists where the service is offered: keys of the
	// jurisdiction table (EU, UK, US-CA, US-VA, US-CO, US-CT, US-UT, US, CA,
	// BR, CN, ...). "*" matches any other place in per-jurisdiction maps.
	Jurisdictions []string `yaml:"jurisdictions" json:"jurisdictions"`

	// Taxonomy adds the policy's own keys under existing taxonomy parents.
	Taxonomy Taxonomy `yaml:"taxonomy,omitempty" json:"taxonomy,omitempty"`

	Categories []Category  `yaml:"categories" json:"categories"`
	Purposes   []Purpose   `yaml:"purposes" json:"purposes"`
	Recipients []Recipient `yaml:"recipients,omitempty" json:"recipients,omitempty"`
	Retention  Retention   `yaml:"retention" json:"retention"`
	Children   Children    `yaml:"children" json:"children"`
	Rights     Rights      `yaml:"rights,omitempty" json:"rights,omitempty"`
	// ResponseTimes are the policy's own promises, stricter than or equal to
	// the law: keys are a request type or "default", values periods ("30d",
	// "10bd", "1m"). Where the law is stricter, the law applies.
	ResponseTimes map[string]string `yaml:"response_times,omitempty" json:"response_times,omitempty"`
	Cookies       []Cookie          `yaml:"cookies,omitempty" json:"cookies,omitempty"`
	// HonourGPC honours Global Privacy Control signals everywhere, not only
	// where the law requires it (US-CA, US-CO, US-CT): a GPC signal then stops
	// sale, sharing and targeted advertising for anyone who sends it.
	HonourGPC bool `yaml:"honour_gpc,omitempty" json:"honour_gpc,omitempty"`
	// HonourDNT treats a browser's Do Not Track header (DNT: 1) like a GPC
	// signal: it stops sale, sharing and targeted advertising for anyone who
	// sends it, everywhere the policy is offered, and every purpose marked
	// Tracking (analytics that follow a person's use of the service).
	HonourDNT bool `yaml:"honour_dnt,omitempty" json:"honour_dnt,omitempty"`
	// Storage lists where data is stored.
	Storage []StorageLocation `yaml:"storage" json:"storage"`
	// Complaints says how the service answers complaints.
	Complaints *Complaints `yaml:"complaints,omitempty" json:"complaints,omitempty"`
	// Changes says how people are told of material changes.
	Changes *Changes `yaml:"changes,omitempty" json:"changes,omitempty"`
}

// Controller names who is responsible for the data and how to reach them.
type Controller struct {
	Name           string   `yaml:"name" json:"name"`
	Address        string   `yaml:"address,omitempty" json:"address,omitempty"`
	Email          string   `yaml:"email" json:"email"`
	Phone          string   `yaml:"phone,omitempty" json:"phone,omitempty"`
	URL            string   `yaml:"url,omitempty" json:"url,omitempty"`
	Representative *Contact `yaml:"representative,omitempty" json:"representative,omitempty"` // EU/UK representative (GDPR Art. 27)
	DPO            *Contact `yaml:"dpo,omitempty" json:"dpo,omitempty"`
}

// Contact is a named contact point.
type Contact struct {
	Name    string `yaml:"name" json:"name"`
	Email   string `yaml:"email,omitempty" json:"email,omitempty"`
	Address string `yaml:"address,omitempty" json:"address,omitempty"`
	Phone   string `yaml:"phone,omitempty" json:"phone,omitempty"`
}

// Client is a business on whose behalf the tenant processes data (as its
// processor, or as a service provider beside its own controller role). End
// users' requests naming the client are routed to its privacy contact.
type Client struct {
	Key   string `yaml:"key" json:"key"`
	Name  string `yaml:"name" json:"name"`
	Email string `yaml:"email" json:"email"`
}

// Taxonomy holds the policy's extensions to the fideslang taxonomy. Each key
// must sit under an existing parent (its key minus the last segment).
type Taxonomy struct {
	Categories []TaxonomyEntry `yaml:"categories,omitempty" json:"categories,omitempty"`
	Purposes   []TaxonomyEntry `yaml:"purposes,omitempty" json:"purposes,omitempty"`
}

// TaxonomyEntry is one added key.
type TaxonomyEntry struct {
	Key         string `yaml:"key" json:"key"`
	Name        string `yaml:"name" json:"name"`
	Description string `yaml:"description,omitempty" json:"description,omitempty"`
}

// Category is a data category the service collects.
type Category struct {
	// Key is a taxonomy data category, e.g. "user.contact.email".
	Key         string `yaml:"key" json:"key"`
	Description string `yaml:"description,omitempty" json:"description,omitempty"`
	// Sources: "subject" (from the person), "client" (from the customer or
	// employer), "third_party", "automatic" (collected by the service), "public".
	Sources []string `yaml:"sources" json:"sources"`
	// Required says the service cannot work without it (e.g. the account
	// email): the vault refuses to create a subject without a field or
	// identity of this category (or one under it), and an update may not
	// remove the last one; only erasure does.
	Required bool `yaml:"required,omitempty" json:"required,omitempty"`
	// Sensitive marks special or sensitive categories (GDPR Art. 9, CPRA
	// sensitive personal information, PIPL Art. 28); they are handled apart.
	Sensitive bool `yaml:"sensitive,omitempty" json:"sensitive,omitempty"`
	// Mask is the display format for desensitized output: "email", "phone",
	// "id" (middle hidden), "name", "full" (all hidden) or "" (no masking).
	Mask string `yaml:"mask,omitempty" json:"mask,omitempty"`
	// ClientControlled marks data the tenant's clients control (e.g. the
	// Content customers upload): a request about it names the client, and
	// is referred to that client rather than answered by the tenant.
	ClientControlled bool `yaml:"client_controlled,omitempty" json:"client_controlled,omitempty"`
}

// Purpose is a data use: why data is processed.
type Purpose struct {
	// Key is a taxonomy data use, e.g. "marketing.communications.email".
	Key         string `yaml:"key" json:"key"`
	Description string `yaml:"description" json:"description"`
	// Categories the purpose may read.
	Categories []string `yaml:"categories" json:"categories"`
	// Basis is the lawful basis per jurisdiction ("*" for the rest):
	// consent, contract, legal_obligation, vital_interests, public_task,
	// legitimate_interests.
	Basis map[string]string `yaml:"basis" json:"basis"`
	// Consent is the consent mechanism per jurisdiction ("*" for the rest):
	// opt_in, opt_out or notice. Defaults: opt_in where the basis is consent,
	// notice otherwise.
	Consent map[string]string `yaml:"consent,omitempty" json:"consent,omitempty"`
	// Withdraw lists how consent or an opt-out is given back: privacy_center,
	// email_link, sms_keyword, email, account_settings, banner. A purpose with
	// an opt-in or opt-out mechanism anywhere needs at least one.
	Withdraw []string `yaml:"withdraw,omitempty" json:"withdraw,omitempty"`
	// Renewal is how long a given consent lasts before it must be renewed ("12m").
	Renewal string `yaml:"renewal,omitempty" json:"renewal,omitempty"`
	// WhileRestricted allows the purpose for restricted subjects (e.g. legal claims).
	WhileRestricted bool `yaml:"while_restricted,omitempty" json:"while_restricted,omitempty"`
	// Sale, Sharing and TargetedAds mark what US state laws let people opt out
	// of, and what a Global Privacy Control signal stops.
	Sale        bool `yaml:"sale,omitempty" json:"sale,omitempty"`
	Sharing     bool `yaml:"sharing,omitempty" json:"sharing,omitempty"`
	TargetedAds bool `yaml:"targeted_ads,omitempty" json:"targeted_ads,omitempty"`
	// Tracking marks a purpose that follows a person's use of the service
	// (usage analytics, measurement): a Do Not Track signal stops it where the
	// policy says honour_dnt, as it stops sale, sharing and targeted ads.
	Tracking bool `yaml:"tracking,omitempty" json:"tracking,omitempty"`
	// Channel is the channel a communication purpose uses: email, sms, push, post.
	Channel string `yaml:"channel,omitempty" json:"channel,omitempty"`
	// Profiling marks automated decision-making or profiling; the access
	// copy and the right-to-know report say so.
	Profiling bool `yaml:"profiling,omitempty" json:"profiling,omitempty"`
	// ProfilingLogic describes, in a sentence, the logic involved and its
	// significance for the person (GDPR Art. 15(1)(h)). Only with Profiling.
	ProfilingLogic string `yaml:"profiling_logic,omitempty" json:"profiling_logic,omitempty"`
}

// Recipient is someone who receives personal data.
type Recipient struct {
	Key  string `yaml:"key" json:"key"`
	Name string `yaml:"name" json:"name"`
	// Type: processor, third_party, affiliate, authority.
	Type       string   `yaml:"type" json:"type"`
	Purposes   []string `yaml:"purposes" json:"purposes"`
	Categories []string `yaml:"categories" json:"categories"`
	// Country is where the recipient processes the data (ISO 3166-1).
	Country string `yaml:"country" json:"country"`
	// Transfer is the mechanism for a cross-border transfer: adequacy, scc,
	// bcr, certification, consent, derogation. Required when Country is
	// outside every storage location's country.
	Transfer string `yaml:"transfer,omitempty" json:"transfer,omitempty"`
	// ConsentPurpose is the declared purpose whose given consent covers a
	// transfer abroad where the law asks for separate consent (PIPL Art.
	// 39). Empty means the consent to the purpose of the transfer itself.
	ConsentPurpose string `yaml:"consent_purpose,omitempty" json:"consent_purpose,omitempty"`
	// DirectMarketing marks disclosure for the recipient's own direct
	// marketing (California Shine the Light).
	DirectMarketing bool `yaml:"direct_marketing,omitempty" json:"direct_marketing,omitempty"`
	// DeIdentified says the recipient only ever receives de-identified data.
	DeIdentified bool `yaml:"de_identified,omitempty" json:"de_identified,omitempty"`
}

// Retention says how long data is kept and what happens after.
type Retention struct {
	// Ceiling is the longest anything is kept after its trigger ("7y").
	Ceiling string          `yaml:"ceiling,omitempty" json:"ceiling,omitempty"`
	Rules   []RetentionRule `yaml:"rules" json:"rules"`
	// KeepAnonymized lists categories safe to keep after anonymization
	// (e.g. user.location.country); K is the minimum group size (default 5).
	KeepAnonymized []string `yaml:"keep_anonymized,omitempty" json:"keep_anonymized,omitempty"`
	K              int      `yaml:"k,omitempty" json:"k,omitempty"`
}

// RetentionRule is one retention promise.
type RetentionRule struct {
	Key         string `yaml:"key" json:"key"`
	Description string `yaml:"description,omitempty" json:"description,omitempty"`
	// What the rule covers: categories, purposes, or records privet keeps
	// itself (consent_events, audit_events, export_packages, closed_requests).
	Categories []string `yaml:"categories,omitempty" json:"categories,omitempty"`
	Purposes   []string `yaml:"purposes,omitempty" json:"purposes,omitempty"`
	Records    []string `yaml:"records,omitempty" json:"records,omitempty"`
	// Trigger: collected, last_activity, account_closed, consent_withdrawn,
	// relationship_ended, request_completed.
	Trigger string `yaml:"trigger" json:"trigger"`
	// Period after the trigger ("180d", "24m", "7y").
	Period string `yaml:"period" json:"period"`
	// Action: delete, anonymize, aggregate.
	Action string `yaml:"action" json:"action"`
	// Ceiling caps this rule, e.g. seven years after the last contact.
	Ceiling string `yaml:"ceiling,omitempty" json:"ceiling,omitempty"`
	// Exceptions name lawful reasons to keep data longer: legal_obligation,
	// legal_claims, tax, legal_hold.
	Exceptions []string `yaml:"exceptions,omitempty" json:"exceptions,omitempty"`
}

// Children is the policy's rule for children's data.
type Children struct {
	// MinimumAge is the age below which the service does not knowingly
	// collect data without a guardian's consent (e.g. 13, 16).
	MinimumAge int `yaml:"minimum_age" json:"minimum_age"`
	// Action when a subject is learned to be under MinimumAge without a
	// recorded guardian consent: delete, restrict, or guardian_consent
	// (ask a guardian and restrict until then).
	Action string `yaml:"action" json:"action"`
	// GuardianConsent says a guardian may consent on the child's behalf.
	GuardianConsent bool `yaml:"guardian_consent,omitempty" json:"guardian_consent,omitempty"`
	// Contact is how parents reach the service (e.g. an email subject line).
	Contact string `yaml:"contact,omitempty" json:"contact,omitempty"`
}

// Rights lists rights granted beyond the law, per jurisdiction ("*" for
// everyone), and request handling rules.
type Rights struct {
	Grant map[string][]string `yaml:"grant,omitempty" json:"grant,omitempty"`
	// Approval lists request types that need a person's approval before execution.
	Approval []string `yaml:"approval,omitempty" json:"approval,omitempty"`
	// ConfirmErasure asks the subject to confirm before an erasure runs.
	ConfirmErasure bool `yaml:"confirm_erasure,omitempty" json:"confirm_erasure,omitempty"`
	// Fees for requests: which copy starts costing, and how much.
	Fees *Fees `yaml:"fees,omitempty" json:"fees,omitempty"`
	// B2BExempt declares that business contact data of employees acting in
	// their job is exempt from the rights of the listed jurisdictions.
	B2BExempt []string `yaml:"b2b_exempt,omitempty" json:"b2b_exempt,omitempty"`
	// ExportWindow is how long an access package stays downloadable ("30d").
	ExportWindow string `yaml:"export_window,omitempty" json:"export_window,omitempty"`
}

// Fees describes request fees. A fee is never charged before the person is
// told why and how much, and accepts.
type Fees struct {
	// FreeCopies is the number of free access copies per 12 months; a copy
	// beyond them is repetitive and charged Amount.
	FreeCopies int `yaml:"free_copies" json:"free_copies"`
	// Amount is the price of a copy beyond the free ones: a decimal and an
	// ISO 4217 currency, e.g. "10.00 EUR".
	Amount string `yaml:"amount" json:"amount"`
	// Excessive says manifestly unfounded or excessive requests may be refused or charged.
	Excessive bool `yaml:"excessive,omitempty" json:"excessive,omitempty"`
	// Estimate is the cost estimate told to a person whose request a person
	// at the company judges excessive or repetitive ("50.00 USD", same
	// form as Amount); Amount when empty. Only with Excessive.
	Estimate string `yaml:"estimate,omitempty" json:"estimate,omitempty"`
}

// Cookie is a cookie or similar technology the service sets.
type Cookie struct {
	Name string `yaml:"name" json:"name"`
	// Category: essential, analytics, preference, advertising, security.
	Category string `yaml:"category" json:"category"`
	Provider string `yaml:"provider" json:"provider"`
	// Duration: "session" or a period ("24m").
	Duration string `yaml:"duration" json:"duration"`
	Purpose  string `yaml:"purpose,omitempty" json:"purpose,omitempty"`
}

// StorageLocation is a place data is stored.
type StorageLocation struct {
	Country     string `yaml:"country" json:"country"`
	Description string `yaml:"description,omitempty" json:"description,omitempty"`
}

// Complaints says how complaints are answered.
type Complaints struct {
	// Response is the promised time to answer ("45d").
	Response string `yaml:"response" json:"response"`
	// Escalation names the independent body that takes unresolved complaints.
	Escalation string `yaml:"escalation,omitempty" json:"escalation,omitempty"`
}

// Changes says how policy changes are announced.
type Changes struct {
	// Notice is how people are told of material changes: email, site, in_app.
	Notice []string `yaml:"notice" json:"notice"`
	// Before is how long before the effective date notice goes out ("30d").
	Before string `yaml:"before,omitempty" json:"before,omitempty"`
}
