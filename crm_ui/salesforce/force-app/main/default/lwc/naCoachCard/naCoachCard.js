/*
 * nextadvance coach card for the Opportunity record page.
 *
 * Reads the coach payload (NA_Coach__c, written by the nextadvance sync) and the rep's
 * feedback (NA_Feedback__c) through Lightning Data Service, so it needs no Apex and
 * respects the user's field-level security.  "Was this useful? yes / no / done" writes
 * NA_Feedback__c with updateRecord; the next sync reads it and the run report counts it
 * by advance and by rep.
 */
import { LightningElement, api, wire } from 'lwc';
import { getRecord, getFieldValue, updateRecord } from 'lightning/uiRecordApi';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import COACH_FIELD from '@salesforce/schema/Opportunity.NA_Coach__c';
import FEEDBACK_FIELD from '@salesforce/schema/Opportunity.NA_Feedback__c';
import ID_FIELD from '@salesforce/schema/Opportunity.Id';
import { parseCoach, FEEDBACK_OPTIONS } from 'c/naCoachModel';

export default class NaCoachCard extends LightningElement {
    @api recordId;

    record;
    loadError;
    saving = false;
    savedValue;

    @wire(getRecord, { recordId: '$recordId', fields: [COACH_FIELD, FEEDBACK_FIELD] })
    wiredRecord({ data, error }) {
        if (data) {
            this.record = data;
            this.loadError = undefined;
            this.savedValue = undefined;
        } else if (error) {
            this.record = undefined;
            this.loadError = error;
        }
    }

    get loading() {
        return !this.record && !this.loadError;
    }

    get parsed() {
        return this.record ? parseCoach(getFieldValue(this.record, COACH_FIELD)) : {};
    }

    get problem() {
        if (this.loadError) {
            return 'The advice cannot be loaded: check that you can read the nextadvance fields.';
        }
        return this.parsed.problem;
    }

    get view() {
        return this.parsed.view;
    }

    get feedback() {
        if (this.savedValue !== undefined) {
            return this.savedValue;
        }
        return this.record ? getFieldValue(this.record, FEEDBACK_FIELD) : null;
    }

    get feedbackButtons() {
        const current = this.feedback;
        return FEEDBACK_OPTIONS.map((o) => ({
            ...o,
            variant: o.value === current ? 'brand' : 'neutral'
        }));
    }

    get readinessClass() {
        return this.view && this.view.ready ? 'na-ready' : 'na-not-ready';
    }

    get verdictClass() {
        return this.view && this.view.verdict.isAdvance ? 'na-verdict na-good' : 'na-verdict na-warn';
    }

    async handleFeedback(event) {
        const value = event.currentTarget.dataset.value;
        this.saving = true;
        const fields = { [ID_FIELD.fieldApiName]: this.recordId };
        fields[FEEDBACK_FIELD.fieldApiName] = value;
        try {
            await updateRecord({ fields });
            this.savedValue = value;
            this.dispatchEvent(
                new ShowToastEvent({
                    title: 'Thanks',
                    message: 'Your feedback helps your team improve its playbook.',
                    variant: 'success'
                })
            );
        } catch (error) {
            const message =
                (error && error.body && error.body.message) || 'Your feedback could not be saved.';
            this.dispatchEvent(new ShowToastEvent({ title: 'Not saved', message, variant: 'error' }));
        } finally {
            this.saving = false;
        }
    }
}
