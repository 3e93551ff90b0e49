/**
 * German for the messages the core and the shell give (`Text`, generated from
 * callside_core::text). The type makes it name every key; a test checks that each
 * template names the same values as the English one. English comes with each error.
 */
import type { Text } from "../ipc/bindings/Text";

export const textsDe: Record<Text["key"], string> = {
  // phone numbers, records, dates
  NotAPhoneNumber: "{input} ist keine Telefonnummer.",
  PhoneNumberTooLong: "Das ist zu lang für eine Telefonnummer.",
  NotARecordId: "{input} ist keine Datensatz-ID.",
  NotALeadOrContactId: "{input} ist keine Lead- oder Kontakt-ID.",
  NotAnOpportunityId: "{input} ist keine Opportunity-ID.",
  NotALeadId: "{input} ist keine Lead-ID.",
  NotAContactId: "{input} ist keine Kontakt-ID.",
  NotAnAccountId: "{input} ist keine Account-ID.",
  NotAUserId: "{input} ist keine Benutzer-ID.",
  NotAPersonOrAccountId: "{input} ist keine Kontakt-, Lead- oder Account-ID.",
  NoSuchRecord: "Salesforce hat keinen Datensatz {id}; vielleicht wurde er gelöscht.",
  NotADate: "{input} ist kein Datum wie 2026-12-01.",
  NotATime: "{input} ist keine Zeit wie 2026-12-01T15:00:00Z.",

  // logging a call
  CallNotWithAPerson: "{input} ist keine Lead- oder Kontakt-ID; ein Anruf wird bei der Person protokolliert, mit der Sie gesprochen haben.",
  NotACallRecord: "{input} ist keine Account-, Opportunity- oder Fall-ID.",
  LeadCallNotLinked: "Ein Anruf mit einem Lead kann nicht zusätzlich mit einem Account, einer Opportunity oder einem Fall verknüpft werden.",
  NotesTooLong: "Die Notizen sind {length} Zeichen lang; Salesforce speichert höchstens {max}.",
  SubjectTooLong: "Der Betreff ist {length} Zeichen lang; Salesforce speichert höchstens {max}.",
  CallResultTooLong: "Das Anrufergebnis darf höchstens {max} Zeichen haben.",
  NextStepsTooLong: "Die nächsten Schritte sind {length} Zeichen lang; Salesforce speichert höchstens {max}.",
  CallTooLong: "Ein Anruf kann nicht länger als 24 Stunden dauern.",
  NotACallOutcome: "{input} ist kein Anrufergebnis; möglich sind: {choices}",

  // leads
  NotARating: "{input} ist keine Bewertung; möglich sind Hot, Warm oder Cold.",
  NotALeadStatus: "{input} ist kein Lead-Status dieser Org; möglich sind: {choices}",
  LeadNeedsNameAndCompany: "Salesforce braucht für einen neuen Lead einen Nachnamen und eine Firma.",
  LeadNameTooLong: "Der Nachname darf höchstens 80 Zeichen haben, die Firma 255.",
  FirstNameTooLong: "Der Vorname darf höchstens 40 Zeichen haben.",
  QualificationEmpty: "Geben Sie Qualifizierungsnotizen, eine nächste Aktion oder beides an.",
  LeadFieldTooLong: "Der Text für das Lead-Feld {field} hat {length} Zeichen; Salesforce speichert höchstens {max}.",

  // opportunities
  NotAStage: "{input} ist keine Phase dieser Org; möglich sind: {choices}",
  StageNotActive: "die Phase {stage} der Opportunity ist keine aktive Phase",
  OpportunityClosed: "Die Opportunity ist bereits abgeschlossen ({stage}).",
  OpportunityAtLastStage: "Die Opportunity ist in der letzten Phase.",
  ConfirmClosingWon: "{stage} schließt die Opportunity als gewonnen ab; bestätigen Sie, um fortzufahren.",
  ConfirmClosingLost: "{stage} schließt die Opportunity als verloren ab; bestätigen Sie, um fortzufahren.",
  OpportunityNameLength: "Eine Opportunity braucht einen Namen mit höchstens 120 Zeichen.",
  NotAnAmount: "{input} ist kein Betrag, den Salesforce annimmt.",
  NextStepTooLong: "Der nächste Schritt darf höchstens 255 Zeichen haben.",
  DescriptionTooLong: "Die Beschreibung darf höchstens {max} Zeichen haben.",

  // follow-ups and demos
  PriorityChoices: "Die Priorität ist High, Normal oder Low.",
  FollowUpSubject: "Eine Wiedervorlage braucht einen Betreff mit höchstens 255 Zeichen.",
  DemoWithLead: "Eine Demo mit einem Lead kann nicht mit einem weiteren Datensatz verknüpft werden (Salesforce lehnt das ab); lassen Sie den verknüpften Datensatz weg.",
  DemoLength: "Eine Demo dauert 1 bis 1440 Minuten.",
  DemoSubject: "Eine Demo braucht einen Betreff mit höchstens 255 Zeichen.",

  // the outbox
  NoRefusedAction: "Keine abgelehnte Aktion {id} im Postausgang.",
  NoConflict: "Aktion {id} ist auf keine neuere Änderung in Salesforce gestoßen; versuchen Sie sie stattdessen erneut.",
  OnlyChangesOverwrite: "Nur eine Änderung an einem Datensatz kann überschreiben.",
  NoUnsentAction: "Keine ungesendete Aktion {id} im Postausgang.",
  NoUnsentActionToDiscard: "Keine ungesendete Aktion {id} im Postausgang (gesendete Aktionen bleiben als Verlauf).",
  ActionOffByAdministrator: "{action} ist von Ihrem Administrator abgeschaltet (enabled_actions in {file}).",
  ActionOffInSettings: "{action} ist in Ihren Einstellungen abgeschaltet (enabled_actions, {source}).",

  // what a queued action does, and where it stands
  LogInboundCall: "Eingehenden Anruf protokollieren ({seconds} s)",
  LogOutboundCall: "Ausgehenden Anruf protokollieren ({seconds} s)",
  RateLeadAs: "Lead {lead} als {rating} bewerten",
  SetLeadStatusTo: "Status von Lead {lead} auf {status} setzen",
  MoveOpportunity: "Opportunity {opportunity} in Phase {stage} setzen",
  CreateLeadNamed: "Lead {name} anlegen ({company}, {phone})",
  FollowUpDue: "Wiedervorlage „{subject}“ fällig am {due}",
  CreateOpportunityNamed: "Opportunity {name} anlegen ({stage}, Abschluss {close})",
  DemoAt: "Demo „{subject}“ am {start} ({minutes} Min.)",
  QualifyLeadFields: "Lead {lead} qualifizieren ({fields})",
  AssignLeadTo: "Lead {lead} an {owner} zuweisen",
  WaitingToSend: "Gespeichert; wird gesendet, sobald Salesforce erreichbar ist. ({reason})",
  ChangedInSalesforceBy: "{who} hat diesen Datensatz in Salesforce geändert, nachdem Sie ihn geöffnet haben. Überschreiben Sie ihn mit Ihrer Änderung oder behalten Sie die andere.",
  ChangedInSalesforce: "Jemand hat diesen Datensatz in Salesforce geändert, nachdem Sie ihn geöffnet haben. Überschreiben Sie ihn mit Ihrer Änderung oder behalten Sie die andere.",

  // searching
  SearchEmpty: "Geben Sie eine Telefonnummer, eine E-Mail-Adresse, einen Namen oder eine Firma ein.",
  SearchTooLong: "Ein Suchbegriff hat höchstens {max} Zeichen.",
  SearchTermTooLong: "Das ist zu lang für einen Suchbegriff.",
  NotAnEmailAddress: "{input} ist keine vollständige E-Mail-Adresse.",
  NothingToSearch: "{input} enthält keine Buchstaben oder Ziffern, nach denen gesucht werden kann.",
  SearchTooShort: "Geben Sie mindestens zwei Buchstaben oder Ziffern ein: Salesforce sucht nicht nach einem einzelnen Zeichen.",
  PrefixTooShort: "Eine Suche nach Wortanfängen (mit * am Ende) braucht mindestens zwei Buchstaben oder Ziffern vor dem *.",

  // orgs and signing in
  NotAnAlias: "{input} ist kein Name für eine Org; verwenden Sie Buchstaben, Ziffern, '-', '_' oder '.'",
  NoSavedOrg: "Keine gespeicherte Org {alias}; gespeichert: {saved}. Melden Sie sich mit `callside login --alias {name}` an.",
  EnterMyDomain: "Geben Sie Ihre My-Domain-Adresse ein, etwa https://ihrefirma.my.salesforce.com.",
  AddressTooLong: "Diese Adresse ist zu lang.",
  NotAWebAddress: "{input} ist keine Webadresse wie https://ihrefirma.my.salesforce.com.",
  UseHttps: "Bei Salesforce meldet man sich über https an: verwenden Sie https://{host}.",
  AddressWithoutPath: "Geben Sie die Adresse ohne Pfad ein, etwa https://{host}.",
  OrgLockedByAdministrator: "Ihr Administrator hat die Org {url} festgelegt; Callside meldet sich nur dort an.",
  NotSignedIn: "Nicht bei Salesforce angemeldet. Melden Sie sich zuerst an.",
  SessionEnded: "Ihre Salesforce-Sitzung ist beendet ({detail}). Melden Sie sich erneut an.",
  SignInFailed: "Die Anmeldung ist fehlgeschlagen: {detail}",
  KeychainUnavailable: "Der Schlüsselbund des Systems ist nicht verfügbar: {detail}",

  // reaching Salesforce, this computer
  Unreachable: "Salesforce ist nicht erreichbar: {detail}",
  SessionExpired: "Ihre Salesforce-Sitzung ist abgelaufen. Melden Sie sich erneut an.",
  ApiLimitReached: "Ihre Org hat ihre Salesforce-API-Anfragen vorerst aufgebraucht. Versuchen Sie es später erneut.",
  RecordBusy: "Salesforce bearbeitet diesen Datensatz gerade. Versuchen Sie es gleich noch einmal.",
  RecordGone: "Den Datensatz gibt es in Salesforce nicht mehr ({message}).",
  ChangeNotAccepted: "Salesforce hat die Änderung nicht angenommen: {message}",
  SalesforceUnavailable: "Salesforce ist gerade nicht verfügbar (HTTP {status}).",
  RequestRefused: "Salesforce hat die Anfrage abgelehnt: {message} ({code})",
  RecordChanged: "Jemand hat diesen Datensatz in Salesforce geändert, nachdem Sie ihn geöffnet haben. Laden Sie ihn neu und nehmen Sie Ihre Änderung noch einmal vor.",
  TimedOut: "Salesforce hat nicht rechtzeitig geantwortet.",
  UnexpectedAnswer: "Unerwartete Antwort von Salesforce: {detail}",
  DatabaseFailed: "Die lokale Datenbank ist fehlgeschlagen: {detail}",
  NotSetUp: "Callside ist nicht richtig eingerichtet: {detail}",
  OrgNotOpened: "Callside konnte die Org nicht öffnen: {detail}",
  WindowNotOnTop: "Das Fenster konnte nicht im Vordergrund gehalten werden: {detail}",
  BrowserNotStarted: "Der Browser konnte nicht gestartet werden: {detail}",
  NoExportDirectory: "Es gibt keinen Download- oder Home-Ordner, in den die Datei geschrieben werden kann.",
};
